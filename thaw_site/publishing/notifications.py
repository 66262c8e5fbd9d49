"""Notifications: who hears of a workflow step, on the admin dashboard and by email.

The workflow's services (thaw_site.publishing.services) call these as they change an item's status, so every path
that goes through them notifies: the admin, the review queue, an import, scheduled publishing.

    submitted     the Reviewers group, when an item is submitted for review
    sent_back     the item's authors, with the reviewer's comment
    published     the item's authors
    withdrawn     the item's authors, with the reason
    watched       the item's watchers who are not its authors, when it is published or withdrawn

Nobody hears of their own action. Each notification is a row (the dashboard's, in the same transaction as the
change, so a rolled-back change leaves none); its email is sent only after the transaction commits, and a failure
to send is logged, never raised. Each user chooses per kind: email at once (the default), a daily digest
(`manage.py send_digest`), the dashboard only, or nothing.

Other code notifies through `notify(kind, item, actor, recipients, note=...)`.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from thaw_site.publishing import workflow
from thaw_site.publishing.items import Publishable
from thaw_site.publishing.watchlists import watcher_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KindOfNotice:
    label: str  # what the preferences page asks about
    headline: str  # the notice, formatted with {actor} and {title}


KINDS = {
    "submitted": KindOfNotice("An item is submitted for review (reviewers)", "{actor} submitted “{title}” for review"),
    "sent_back": KindOfNotice("An item you wrote is sent back to you", "{actor} sent “{title}” back to you"),
    "published": KindOfNotice("An item you wrote is published", "{actor} published “{title}”"),
    "withdrawn": KindOfNotice("An item you wrote is withdrawn", "{actor} withdrew “{title}”"),
    "watched": KindOfNotice(
        "An item you watch is published or withdrawn", "{actor} changed “{title}”, which you watch"
    ),
    "schedule_cancelled": KindOfNotice(
        "A publication you scheduled is cancelled (an edit, send back, withdrawal)",
        "{actor}'s change cancelled your schedule of “{title}”",
    ),
    "schedule_failed": KindOfNotice(
        "A publication you scheduled could not run at its time",
        "“{title}” could not go live or come down as you scheduled",
    ),
}


class Delivery(models.TextChoices):
    EMAIL = "email", "Email at once"
    DIGEST = "digest", "Daily digest email"
    DASHBOARD = "dashboard", "Dashboard only, no email"
    OFF = "off", "Off"


class NotificationPreference(models.Model):
    """How one user takes one kind of notification; without a row, by email at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thaw_preferences")
    kind = models.CharField(max_length=30, choices=[(kind, notice.label) for kind, notice in KINDS.items()])
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} by {self.delivery}"


class Notification(models.Model):
    """One thing one user is told, with what it said: the item's title and the note as they were."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thaw_notifications")
    kind = models.CharField(max_length=30, choices=[(kind, notice.label) for kind, notice in KINDS.items()])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item_kind = models.CharField(max_length=30)
    item_uid = models.UUIDField()
    title = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    link = models.CharField(max_length=500, help_text="The item's page in the admin.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its email (or the digest holding it) was sent."
    )

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def headline(self) -> str:
        actor = self.actor.get_username() if self.actor else "Someone"
        return KINDS[self.kind].headline.format(actor=actor, title=self.title)

    def email_text(self) -> str:
        lines = [f"{self.headline}."]
        if self.note:
            lines += ["", self.note]
        lines += ["", f"{settings.THAW_SITE_URL}{self.link}"]
        return "\n".join(lines)


def notify(
    kind: str,
    item: Publishable,
    actor: "AbstractBaseUser | AnonymousUser | None",
    recipients: Iterable["User"],
    *,
    note: str = "",
    link: str = "",
) -> list[Notification]:
    """Tell each recipient (but the actor, and inactive users) of `kind` about `item`, as they prefer: a row for
    their dashboard, and an email once the transaction commits. `note` is the comment or reason shown with it;
    `link` the path it points to (default: the item's change page in the admin). Returns the rows made."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of notification: {kind!r}")
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    users = {user.pk: user for user in recipients if user.is_active and user.pk != actor_id}
    if not users:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=users, kind=kind).values_list("user_id", "delivery")
    )
    link = link or reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])
    made = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            actor_id=actor_id,
            item_kind=workflow.kind_of(item),
            item_uid=item.uid,
            title=str(item)[:300],
            note=note,
            link=link,
            delivery=chosen.get(pk, Delivery.EMAIL),
        )
        for pk, user in users.items()
        if chosen.get(pk) != Delivery.OFF
    )
    for notification in made:
        notification.actor = actor if actor_id else None  # type: ignore[assignment]  # the signed-in actor is a User
    at_once = [n for n in made if n.delivery == Delivery.EMAIL and n.recipient.email]
    if at_once:
        transaction.on_commit(lambda: send_emails(at_once))
    return made


def send_emails(notifications: Sequence[Notification]) -> None:
    """Email each notification to its recipient; a failure is logged and the notifications stay unsent."""
    messages = [
        EmailMessage(
            subject=f"[Thaw] {notification.headline}",
            body=notification.email_text(),
            to=[notification.recipient.email],
        )
        for notification in notifications
    ]
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Could not send %d notification email(s); they stay on the dashboard.", len(messages))
        return
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())


def reviewers() -> "models.QuerySet[Any]":
    return get_user_model().objects.filter(groups__name="Reviewers", is_active=True).distinct()


# Rows by which a user does not become an author: a reviewer's steps. Submitting counts (the submitter asked).
NOT_AUTHORING = (workflow.SENT_BACK, workflow.PUBLISHED, workflow.WITHDRAWN)


def authors(item: Publishable) -> "models.QuerySet[Any]":
    """Everyone who made a revision of the item (created, edited, restored or submitted it), in one query."""
    rows = item.history.exclude(history_user=None)
    for label in NOT_AUTHORING:
        rows = rows.exclude(history_change_reason__startswith=label)
    return get_user_model().objects.filter(pk__in=rows.values("history_user_id"), is_active=True)


def submitted(item: Publishable, *, by: "AbstractBaseUser | AnonymousUser | None", note: str) -> None:
    notify("submitted", item, by, reviewers(), note=note)


def sent_back(item: Publishable, *, by: "AbstractBaseUser | AnonymousUser | None", comment: str) -> None:
    notify("sent_back", item, by, authors(item), note=comment)


def public_change(kind: str, item: Publishable, *, by: "AbstractBaseUser | AnonymousUser | None", note: str) -> None:
    """A published or withdrawn item: its authors hear as `kind`, its other watchers as "watched"."""
    writers = list(authors(item))
    watchers = watcher_ids([item]).get((workflow.kind_of(item), item.uid), set()) - {user.pk for user in writers}
    notify(kind, item, by, writers, note=note)
    if watchers:
        notify("watched", item, by, get_user_model().objects.filter(pk__in=watchers), note=note)


def published(item: Publishable, *, by: "AbstractBaseUser | AnonymousUser | None", note: str) -> None:
    public_change("published", item, by=by, note=note)


def withdrawn(item: Publishable, *, by: "AbstractBaseUser | AnonymousUser | None", note: str) -> None:
    public_change("withdrawn", item, by=by, note=note)


def send_digests() -> int:
    """Email each user who takes a digest one message of what they were told since their last one; returns how
    many were sent. Each user's notifications are marked sent with their email, so a second run sends nothing
    new, and a failed send leaves them for the next run."""
    pending = Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at=None)
    sent = 0
    for user in (
        get_user_model().objects.filter(pk__in=pending.values("recipient_id"), is_active=True).exclude(email="")
    ):
        with transaction.atomic():
            notices = list(
                pending.filter(recipient=user)
                .select_for_update(of=("self",))
                .select_related("actor")
                .order_by("created_at", "pk")
            )
            if not notices:
                continue  # another run took them
            body = "\n\n".join(notice.email_text() for notice in notices)
            message = EmailMessage(
                subject=f"[Thaw] Your digest: {len(notices)} notification{'s' if len(notices) != 1 else ''}",
                body=f"Since your last digest:\n\n{body}",
                to=[user.email],
            )
            try:
                message.send()
            except Exception:
                logger.exception("Could not send the digest of %s; it is kept for the next run.", user.get_username())
                continue
            Notification.objects.filter(pk__in=[notice.pk for notice in notices]).update(emailed_at=timezone.now())
            sent += 1
    return sent
