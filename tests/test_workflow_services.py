"""Every transition × role through the services: permission and state are checked on the server."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from events.models import Event, Topic
from thaw_site.publishing.items import Status
from thaw_site.publishing.publications import Publication
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.services import publish, restore_revision, send_back, submit_for_review, withdraw
from thaw_site.publishing.workflow import compare, unpublished_changes

pytestmark = pytest.mark.django_db


def edit(item, user, reason="edit", **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    with one_revision(item, user=user, reason=reason, created=False):
        item.save()


@pytest.fixture
def in_review(draft, author):
    submit_for_review(item=draft, by=author, note="Ready")
    return draft


@pytest.fixture
def published(in_review, reviewer):
    publish(item=in_review, by=reviewer, note="First version")
    return in_review


ROLES = ["anonymous", "author", "reviewer", "superuser"]


@pytest.fixture
def as_role(request, author, other_reviewer, superuser):
    return {"anonymous": AnonymousUser(), "author": author, "reviewer": other_reviewer, "superuser": superuser}


ALLOWED = {
    "submit": {"author", "reviewer", "superuser"},
    "send_back": {"reviewer", "superuser"},
    "publish": {"reviewer", "superuser"},
    "withdraw": {"reviewer", "superuser"},
}


@pytest.mark.parametrize("role", ROLES)
def test_submit_for_review_by_role(draft, as_role, role):
    user = as_role[role]
    if role in ALLOWED["submit"]:
        submit_for_review(item=draft, by=user, note="please")
        assert Topic.objects.get(pk=draft.pk).status == Status.IN_REVIEW
    else:
        with pytest.raises(PermissionDenied):
            submit_for_review(item=draft, by=user, note="please")
        assert Topic.objects.get(pk=draft.pk).status == Status.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_send_back_by_role(in_review, as_role, role):
    user = as_role[role]
    if role in ALLOWED["send_back"]:
        send_back(item=in_review, by=user, comment="Cite the decree.")
        assert Topic.objects.get(pk=in_review.pk).status == Status.DRAFT
        assert in_review.history.first().history_change_reason == "Sent back: Cite the decree."
    else:
        with pytest.raises(PermissionDenied):
            send_back(item=in_review, by=user, comment="Cite the decree.")
        assert Topic.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("role", ROLES)
def test_publish_by_role(in_review, as_role, role):
    user = as_role[role]
    if role in ALLOWED["publish"]:
        publication = publish(item=in_review, by=user, note="ok")
        assert publication.is_live and publication.published_by == user
        assert Topic.objects.get(pk=in_review.pk).status == Status.PUBLISHED
    else:
        with pytest.raises(PermissionDenied):
            publish(item=in_review, by=user, note="ok")
        assert not Publication.objects.filter(item_uid=in_review.uid).exists()


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_by_role(published, as_role, role):
    user = as_role[role]
    if role in ALLOWED["withdraw"]:
        withdraw(item=published, by=user, note="Duplicate")
        assert not Publication.objects.live().filter(item_uid=published.uid).exists()
        assert Publication.objects.filter(item_uid=published.uid).exists()
        assert Topic.objects.get(pk=published.pk).status == Status.WITHDRAWN
    else:
        with pytest.raises(PermissionDenied):
            withdraw(item=published, by=user, note="Duplicate")
        assert Publication.objects.live().filter(item_uid=published.uid).exists()


def test_a_draft_cannot_be_published_or_sent_back(draft, reviewer):
    with pytest.raises(ValidationError, match="is draft"):
        publish(item=draft, by=reviewer, note="")
    with pytest.raises(ValidationError, match="is draft"):
        send_back(item=draft, by=reviewer, comment="no")


def test_an_item_in_review_cannot_be_submitted_again(in_review, author):
    with pytest.raises(ValidationError, match="in review"):
        submit_for_review(item=in_review, by=author, note="")


def test_a_published_item_without_changes_cannot_be_submitted(published, author):
    with pytest.raises(ValidationError, match="published"):
        submit_for_review(item=published, by=author, note="")


def test_an_item_not_on_the_site_cannot_be_withdrawn(draft, reviewer):
    with pytest.raises(ValidationError, match="not on the public site"):
        withdraw(item=draft, by=reviewer, note="why")


def test_sending_back_needs_a_comment(in_review, reviewer):
    with pytest.raises(ValidationError, match="comment"):
        send_back(item=in_review, by=reviewer, comment="  ")


def test_withdrawn_items_go_back_through_review(published, reviewer, other_reviewer):
    withdraw(item=published, by=reviewer, note="Check it")
    submit_for_review(item=published, by=reviewer, note="Checked")
    publish(item=published, by=other_reviewer, note="Back")
    assert Publication.objects.live().get(item_uid=published.uid).note == "Back"


def test_four_eyes_a_reviewer_cannot_publish_their_own_edit(published, reviewer, other_reviewer):
    edit(published, reviewer, description="Reviewer's own wording.")
    submit_for_review(item=published, by=reviewer, note="mine")
    with pytest.raises(PermissionDenied, match="another reviewer"):
        publish(item=published, by=reviewer, note="")
    publish(item=published, by=other_reviewer, note="theirs")
    assert Publication.objects.live().get(item_uid=published.uid).summary == "Reviewer's own wording."


def test_four_eyes_counts_every_edit_since_the_live_version(published, reviewer, author, other_reviewer):
    edit(published, reviewer, description="Reviewer's wording.")
    edit(published, author, name="Maize!")
    submit_for_review(item=published, by=author, note="")
    with pytest.raises(PermissionDenied):
        publish(item=published, by=reviewer, note="")


def test_four_eyes_ignores_transitions(in_review, reviewer):
    """Submitting is not editing: a reviewer who only moved it along may publish."""
    publish(item=in_review, by=reviewer, note="")


def test_superusers_may_publish_their_own_edit(published, superuser):
    edit(published, superuser, description="Admin's wording.")
    submit_for_review(item=published, by=superuser, note="")
    publish(item=published, by=superuser, note="")


def test_four_eyes_can_be_turned_off(settings, published, reviewer):
    settings.THAW_FOUR_EYES = False
    edit(published, reviewer, description="Reviewer's wording.")
    submit_for_review(item=published, by=reviewer, note="")
    publish(item=published, by=reviewer, note="")


def test_an_edit_to_a_published_item_waits_for_review(client, era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    live_before = Publication.objects.live().get(item_uid=event.uid)
    edit(event, author, title="A new title")
    event.topics.clear()
    live = Publication.objects.live().get(item_uid=event.uid)
    assert live == live_before and live.links.filter(relation="topic").exists()
    assert [change.name for change in unpublished_changes(event)] == ["title", "topics"]
    submit_for_review(item=event, by=author, note="Retitle")
    publish(item=event, by=reviewer, note="Retitle")
    live = Publication.objects.live().get(item_uid=event.uid)
    assert live.title == "A new title" and not live.links.filter(relation="topic").exists()
    assert unpublished_changes(event) == []


def test_compare_shows_words_and_related_items(era, author):
    event = Event.objects.get(slug="secret-speech")
    before = event.history.first()
    event.summary = "Khrushchev denounced Stalin in a closed session."
    with one_revision(event, user=author, reason="edit", created=False):
        event.save()
        event.topics.add(Topic.objects.get(slug="space"))
    changes = {change.name: str(change.html) for change in compare(before, event.history.first())}
    assert set(changes) == {"summary", "topics"}
    assert "<ins>+ Space" in changes["topics"]
    assert "<ins>" in changes["summary"] and "<del>" in changes["summary"]


def test_compare_escapes_text(draft, author):
    before = draft.history.first()
    edit(draft, author, description="<script>alert(1)</script>")
    html = str(compare(before, draft.history.first())[0].html)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_restore_makes_a_new_draft_revision_and_never_publishes(era, author, reviewer):
    event = Event.objects.get(slug="secret-speech")
    old = event.history.first()
    topics = set(event.topics.all())
    edit(event, author, title="Wrong title")
    event.topics.clear()
    live = Publication.objects.live().get(item_uid=event.uid)
    restored = restore_revision(item=event, revision=old, by=author, note="Undo")
    event.refresh_from_db()
    assert event.title == old.title and set(event.topics.all()) == topics
    assert event.status == Status.DRAFT
    assert restored.history_change_reason == f"Restored revision {old.history_id}: Undo"
    assert Publication.objects.live().get(item_uid=event.uid) == live
    assert compare(old, restored) == []


def test_restore_refuses_anonymous_users_and_other_items_revisions(era, author):
    event = Event.objects.get(slug="secret-speech")
    other = Event.objects.exclude(pk=event.pk).first()
    with pytest.raises(PermissionDenied):
        restore_revision(item=event, revision=event.history.first(), by=AnonymousUser(), note="")
    with pytest.raises(ValidationError):
        restore_revision(item=event, revision=other.history.first(), by=author, note="")


def test_four_eyes_is_not_fooled_by_an_edit_summary_that_reads_like_a_transition(published, reviewer):
    edit(published, reviewer, "Published: just a typo", description="Sneaky.")
    submit_for_review(item=published, by=reviewer, note="")
    with pytest.raises(PermissionDenied):
        publish(item=published, by=reviewer, note="")


def test_a_revision_the_item_cannot_diff_still_counts_as_unpublished(published, author):
    """A figure's office change leaves a revision with no field diff: it can still be submitted."""
    edit(published, author, "Touch")
    submit_for_review(item=published, by=author, note="")
    assert Topic.objects.get(pk=published.pk).status == Status.IN_REVIEW


def test_transitions_read_the_current_status_not_a_stale_copy(in_review, reviewer, other_reviewer):
    stale = Topic.objects.get(pk=in_review.pk)
    publish(item=in_review, by=reviewer, note="first")
    with pytest.raises(ValidationError, match="is published"):
        publish(item=stale, by=other_reviewer, note="second")
    assert Publication.objects.filter(item_uid=in_review.uid).count() == 1
