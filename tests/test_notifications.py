"""Issue 17 item 2: who hears of each workflow step, by email after the commit, and never of their own action."""

import io
import logging
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from events.models import Topic
from tests.factories import StaffFactory
from thaw_site.publishing import services
from thaw_site.publishing.notifications import Notification, NotificationPreference, notify, send_digests
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.watchlists import watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (emails) as the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def recipients(kind=None):
    return sorted(address for message in mail.outbox for address in message.to if kind is None or kind in message.body)


def test_each_reviewer_gets_one_email_when_an_item_is_submitted(commits, draft, author, reviewer, other_reviewer):
    with commits():
        services.submit_for_review(item=draft, by=author, note="Ready for a look")
    assert recipients() == ["boris@example.org", "vera@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[Thaw] anna submitted “Maize” for review"
    assert "Ready for a look" in message.body
    assert f"http://localhost:8000/admin/events/topic/{draft.pk}/change/" in message.body


def test_a_reviewer_who_submits_is_not_told_of_their_own_submission(commits, draft, reviewer, other_reviewer):
    with commits():
        services.submit_for_review(item=draft, by=reviewer)
    assert recipients() == ["vera@example.org"]


def test_authors_hear_the_reviewers_comment_when_an_item_is_sent_back(commits, draft, author, reviewer):
    second = StaffFactory(username="olga", groups=["Authors"])
    with one_revision(draft, user=second, reason="Sharper", created=False):
        draft.save()
    services.submit_for_review(item=draft, by=author)
    mail.outbox.clear()
    with commits():
        services.send_back(item=draft, by=reviewer, comment="  Cite the 1955 plenum.  ")
    assert recipients() == ["anna@example.org", "olga@example.org"]
    assert mail.outbox[0].subject == "[Thaw] boris sent “Maize” back to you"
    assert "Cite the 1955 plenum." in mail.outbox[0].body


def test_publishing_tells_authors_and_watchers_once_each_and_not_the_reviewer(
    commits, draft, author, reviewer, other_reviewer
):
    watcher = StaffFactory(username="wanda", groups=["Authors"])
    watch(watcher, draft)
    watch(author, draft)  # an author who watches hears once, as the author
    watch(reviewer, draft)  # the reviewer acts: they hear nothing
    services.submit_for_review(item=draft, by=author)
    mail.outbox.clear()
    with commits():
        services.publish(item=draft, by=reviewer, note="Well sourced")
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == [
        ("anna@example.org", "[Thaw] boris published “Maize”"),
        ("wanda@example.org", "[Thaw] boris changed “Maize”, which you watch"),
    ]


def test_withdrawing_tells_authors_and_watchers_the_reason(commits, draft, author, reviewer):
    watcher = StaffFactory(username="wanda")
    watch(watcher, draft)
    services.submit_for_review(item=draft, by=author)
    services.publish(item=draft, by=reviewer)
    mail.outbox.clear()
    with commits():
        services.withdraw(item=draft, by=reviewer, note="Duplicate of another draft")
    assert recipients("Duplicate of another draft") == ["anna@example.org", "wanda@example.org"]
    assert {m.subject for m in mail.outbox} == {
        "[Thaw] boris withdrew “Maize”",
        "[Thaw] boris changed “Maize”, which you watch",
    }


def test_a_rolled_back_change_sends_nothing_and_leaves_no_notification(commits, draft, author, reviewer):
    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        services.submit_for_review(item=draft, by=author)
        raise RuntimeError("the request failed after the transition")
    assert mail.outbox == []
    assert not Notification.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_no_email_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks, draft, author, reviewer):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_for_review(item=draft, by=author)
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert recipients() == ["boris@example.org"]


class Broken:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_failure_to_send_is_logged_and_the_change_stands(commits, settings, caplog, draft, author, reviewer):
    settings.EMAIL_BACKEND = "tests.test_notifications.Broken"
    with caplog.at_level(logging.ERROR, logger="thaw_site.publishing.notifications"), commits():
        services.submit_for_review(item=draft, by=author)
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert "Could not send 1 notification email(s)" in caplog.text
    assert "SMTP server down" in caplog.text
    notice = Notification.objects.get()
    assert notice.recipient == reviewer and notice.emailed_at is None


def test_an_email_sent_is_marked_sent(commits, draft, author, reviewer):
    with commits():
        services.submit_for_review(item=draft, by=author)
    assert Notification.objects.get().emailed_at is not None


def test_inactive_users_and_users_without_an_address_get_no_email(commits, draft, author, reviewer):
    StaffFactory(username="gone", groups=["Reviewers"], is_active=False)
    StaffFactory(username="nomail", groups=["Reviewers"], email="")
    with commits():
        services.submit_for_review(item=draft, by=author)
    assert recipients() == ["boris@example.org"]
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["boris", "nomail"]


@pytest.mark.parametrize(
    ("delivery", "emails", "rows"), [("email", 1, 1), ("digest", 0, 1), ("dashboard", 0, 1), ("off", 0, 0)]
)
def test_each_user_chooses_how_they_hear_of_each_kind(commits, draft, author, reviewer, delivery, emails, rows):
    NotificationPreference.objects.create(user=reviewer, kind="submitted", delivery=delivery)
    NotificationPreference.objects.create(user=reviewer, kind="published", delivery="off")  # another kind
    with commits():
        services.submit_for_review(item=draft, by=author)
    assert len(mail.outbox) == emails
    assert Notification.objects.filter(recipient=reviewer).count() == rows


def test_the_digest_sends_each_reader_one_email_once(commits, draft, author, reviewer):
    NotificationPreference.objects.create(user=reviewer, kind="submitted", delivery="digest")
    NotificationPreference.objects.create(user=author, kind="sent_back", delivery="digest")
    other = Topic.objects.create(slug="virgin-lands", name="Virgin Lands")
    with one_revision(other, user=author, reason="New", created=False):
        other.save()
    with commits():
        services.submit_for_review(item=draft, by=author)
        services.submit_for_review(item=other, by=author)
        services.send_back(item=other, by=reviewer, comment="Needs sources")
    assert mail.outbox == []
    call_command("send_digest", stdout=(out := io.StringIO()))
    assert out.getvalue().strip() == "Sent 2 digests."
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"anna@example.org", "boris@example.org"}
    assert by_address["boris@example.org"].subject == "[Thaw] Your digest: 2 notifications"
    assert "“Maize”" in by_address["boris@example.org"].body
    assert "“Virgin Lands”" in by_address["boris@example.org"].body
    assert "Needs sources" in by_address["anna@example.org"].body
    mail.outbox.clear()
    call_command("send_digest", stdout=(again := io.StringIO()))
    assert mail.outbox == []
    assert again.getvalue().strip() == "Sent 0 digests."


def test_a_failed_digest_is_kept_for_the_next_run(settings, caplog, commits, draft, author, reviewer):
    NotificationPreference.objects.create(user=reviewer, kind="submitted", delivery="digest")
    services.submit_for_review(item=draft, by=author)
    settings.EMAIL_BACKEND = "tests.test_notifications.Broken"
    with caplog.at_level(logging.ERROR):
        call_command("send_digest", stdout=io.StringIO())
    assert "Could not send the digest of boris" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_digest", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["boris@example.org"]]


def test_notify_refuses_an_unknown_kind(draft, author, reviewer):
    with pytest.raises(ValueError, match="Unknown kind of notification: 'nonsense'"):
        notify("nonsense", draft, author, [reviewer])


def test_notify_leaves_out_the_actor_and_returns_what_it_made(commits, draft, author, reviewer):
    with commits():
        made = notify("schedule_cancelled", draft, author, [author, reviewer], note="Edited after approval")
    assert [n.recipient for n in made] == [reviewer]
    assert mail.outbox[0].subject == "[Thaw] anna's change cancelled your schedule of “Maize”"
    assert "Edited after approval" in mail.outbox[0].body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections racing on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_digest_once(author, reviewer):
    topic = Topic.objects.create(slug="virgin-lands", name="Virgin Lands")
    NotificationPreference.objects.create(user=reviewer, kind="submitted", delivery="digest")
    services.submit_for_review(item=topic, by=author)
    barrier, sent = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            sent.append(send_digests())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert [m.to for m in mail.outbox] == [["boris@example.org"]]
