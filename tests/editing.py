"""Editing an item as an editor would, without the admin: one revision naming who and why."""

from thaw_site.publishing.revisions import one_revision


def edit(item, user, reason, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    with one_revision(item, user=user, reason=reason, created=False):
        item.save()
