"""Backup and restore: the public site and the history are the same after a round trip (SQLite and PostgreSQL)."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event
from thaw_site.management.backup import backed_up_models
from thaw_site.publishing import services
from thaw_site.publishing.read_models import PublishedLink

from .public_site import Crawl, fixed_public_urls

pytestmark = pytest.mark.django_db(transaction=True)


def public_site(client):
    crawl = Crawl(client)
    crawl.follow(fixed_public_urls())
    return crawl.pages()


def every_row():
    """Each backed-up table's rows as plain values, ordered by id: history, publications, users, groups."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in backed_up_models()}


def group_permissions():
    return {group.name: sorted(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}


@pytest.fixture
def site_with_everything(era, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a long passphrase", is_staff=True)
    editor.groups.add(Group.objects.get(name="Reviewers"))
    event = Event.objects.get(slug="secret-speech")
    event.summary = "An edit not yet published."
    event._history_user = editor
    event.save()
    services.withdraw(item=Event.objects.get(slug="khrushchev-ouster"), by=editor, note="checking dates")
    return editor


def test_a_round_trip_keeps_the_public_site_and_the_history(client, site_with_everything, tmp_path):
    before_pages, before_rows, before_groups = public_site(client), every_row(), group_permissions()
    backup = tmp_path / "thaw.backup.gz"
    call_command("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not Event.objects.exists()
    call_command("restore", str(backup))
    after_rows = every_row()
    for label, rows in before_rows.items():
        for old, new in zip(rows, after_rows[label]):
            diff = {k: (v, new[k]) for k, v in old.items() if new[k] != v}
            assert not diff, (label, {k: (repr(a)[-80:], repr(b)[-80:]) for k, (a, b) in diff.items()})
    assert group_permissions() == before_groups
    assert public_site(client) == before_pages
    assert len(before_pages) > 80
    assert Event.history.filter(history_user__username="editor").count() == 2


def test_restore_refuses_a_database_that_holds_data(site_with_everything, tmp_path):
    backup = tmp_path / "thaw.backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("restore", str(backup))


def test_restore_with_force_replaces_what_was_there(client, site_with_everything, tmp_path):
    backup = tmp_path / "thaw.backup"
    call_command("backup", str(backup))
    before = every_row()
    Event.objects.get(slug="secret-speech").delete()
    User.objects.create_user("intruder")
    call_command("restore", str(backup), "--force")
    assert every_row() == before


def test_a_broken_backup_changes_nothing(site_with_everything, tmp_path):
    before = every_row()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "events.event", "pk": 1, "fields": {"slug": ', encoding="utf-8")
    with pytest.raises(Exception):
        call_command("restore", str(broken), "--force")
    assert every_row() == before


def test_backup_refuses_a_name_restore_could_not_read(tmp_path):
    with pytest.raises(CommandError, match=r"\*\.backup"):
        call_command("backup", str(tmp_path / "thaw.json"))


def test_restore_names_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", "/nonexistent/thaw.json")


def test_a_backup_from_before_links_and_list_data_were_frozen_restores_the_same_public_site(
    client, site_with_everything, tmp_path
):
    before_pages = public_site(client)
    backup = tmp_path / "thaw.backup"
    call_command("backup", str(backup))
    rows = json.loads(backup.read_text(encoding="utf-8"))
    # A backup of that time held the links as PublishedLink rows instead.
    rows += json.loads(serializers.serialize("json", PublishedLink.objects.order_by("pk")))
    for row in rows:
        if row["model"] == "thaw_site.publication":
            del row["fields"]["list_data"]
            row["fields"]["data"].pop("links")
    backup.write_text(json.dumps(rows), encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(backup))
    assert public_site(client) == before_pages
