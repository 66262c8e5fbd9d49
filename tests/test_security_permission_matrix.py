"""Issue 7 item 2, service layer: every role × workflow action × state × editorial model, written out as a table.

A refused role gets PermissionDenied whatever the state (permission is checked before state); an allowed role
acting in the wrong state gets ValidationError(code="invalid_state"); and in both cases the status is unchanged.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.models import Event, Period, Source, Topic
from people.models import Figure
from thaw_site.publishing.items import Status
from thaw_site.publishing.revisions import one_revision
from thaw_site.publishing.schedules import Schedule
from thaw_site.publishing.scheduling import schedule, unschedule
from thaw_site.publishing.services import publish, send_back, submit_for_review, withdraw

pytestmark = pytest.mark.django_db

MODELS = [Period, Topic, Source, Event, Figure]
STATES = ["draft", "in_review", "published", "withdrawn"]
ROLES = ["anonymous", "staff", "author", "other_author", "reviewer", "superuser"]

# ok = allowed; no = refused (PermissionDenied); na = not applicable in that state (ValidationError).
# "author" last edited the item; a published item has no unpublished changes, so it can't be resubmitted.
EXPECTED = """
action     state      anonymous staff author other_author reviewer superuser
submit     draft      no        no    ok     ok           ok       ok
submit     in_review  no        no    na     na           na       na
submit     published  no        no    na     na           na       na
submit     withdrawn  no        no    ok     ok           ok       ok
send_back  draft      no        no    no     no           na       na
send_back  in_review  no        no    no     no           ok       ok
send_back  published  no        no    no     no           na       na
send_back  withdrawn  no        no    no     no           na       na
publish    draft      no        no    no     no           na       na
publish    in_review  no        no    no     no           ok       ok
publish    published  no        no    no     no           na       na
publish    withdrawn  no        no    no     no           na       na
withdraw   draft      no        no    no     no           na       na
withdraw   in_review  no        no    no     no           na       na
withdraw   published  no        no    no     no           ok       ok
withdraw   withdrawn  no        no    no     no           na       na
schedule   draft      no        no    no     no           na       na
schedule   in_review  no        no    no     no           ok       ok
schedule   published  no        no    no     no           na       na
schedule   withdrawn  no        no    no     no           na       na
unschedule draft      no        no    no     no           na       na
unschedule in_review  no        no    no     no           na       na
unschedule published  no        no    no     no           na       na
unschedule withdrawn  no        no    no     no           na       na
"""


def table(expected):
    """{(action, state, role): answer} from a table of rows of action, state and one answer per role."""
    header, *rows = [line.split() for line in expected.strip().splitlines()]
    return {(row[0], row[1], role): answer for row in rows for role, answer in zip(header[2:], row[2:])}


CELLS = table(EXPECTED)
ACTIONS = {
    "submit": lambda item, by: submit_for_review(item=item, by=by, note="Ready"),
    "send_back": lambda item, by: send_back(item=item, by=by, comment="Cite the decree."),
    "publish": lambda item, by: publish(item=item, by=by, note="Checked"),
    "withdraw": lambda item, by: withdraw(item=item, by=by, note="Retracted"),
    # Scheduling is publishing later (thaw_site.publishing.scheduling): an item in review, a time to come.
    "schedule": lambda item, by: schedule(item=item, by=by, publish_at=timezone.now() + datetime.timedelta(days=1)),
    "unschedule": lambda item, by: unschedule(item=item, by=by),
}
AFTER = {
    "submit": Status.IN_REVIEW,
    "send_back": Status.DRAFT,
    "publish": Status.PUBLISHED,
    "withdraw": Status.WITHDRAWN,
    "schedule": Status.IN_REVIEW,  # until its time
}


def test_the_table_covers_every_cell():
    assert len(CELLS) * len(MODELS) == len(ACTIONS) * len(STATES) * len(ROLES) * len(MODELS) == 720


def to_draft(item, by):
    """Whatever state the import left the item in, bring it back to a draft through the services."""
    if item.status == Status.PUBLISHED:
        withdraw(item=item, by=by, note="Reset")
    if item.status == Status.WITHDRAWN:
        submit_for_review(item=item, by=by, note="Reset")
    if item.status == Status.IN_REVIEW:
        send_back(item=item, by=by, comment="Reset")


def bring_to(item, state, author, by):
    to_draft(item, by)
    with one_revision(item, user=author, reason="Author's edit", created=False):
        item.save()
    if state == "draft":
        return
    submit_for_review(item=item, by=author, note="Ready")
    if state == "in_review":
        return
    publish(item=item, by=by, note="Live")
    if state == "withdrawn":
        withdraw(item=item, by=by, note="Off")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_workflow_cell(era, users_by_role, model, state, action, role):
    item = model.objects.order_by("pk").first()
    bring_to(item, state, users_by_role["author"], users_by_role["superuser"])
    before = item.status
    expected = CELLS[(action, state, role)]
    if expected == "ok":
        ACTIONS[action](item, users_by_role[role])
        item.refresh_from_db()
        assert item.status == AFTER[action]
        assert Schedule.objects.open().of(item).exists() == (action == "schedule")
        return
    with pytest.raises(PermissionDenied if expected == "no" else ValidationError) as caught:
        ACTIONS[action](item, users_by_role[role])
    if expected == "na":
        assert caught.value.code == "invalid_state"
    item.refresh_from_db()
    assert item.status == before
    assert not Schedule.objects.open().of(item).exists()
