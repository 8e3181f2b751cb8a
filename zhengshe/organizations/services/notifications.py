"""Messages to organizations and offices (reminders, decisions): the house's one notification mechanism
(``core.inbox.notify``), delivered in-app to the users of the organization or of the office, deduplicated."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhengshe.core import inbox


def notify(*, kind, title, body="", organization=None, region=None, link="", dedupe_key="") -> list | None:
    """Leave a message for an organization's users or an office's (a region); with a key, the same message is
    never sent twice (None then)."""
    return inbox.notify(kind=kind, message=title, body=body, url=link, target=organization,
                        region=region if organization is None else None, dedupe_key=dedupe_key)


@transaction.atomic
def notification_read(*, actor, notification):
    if notification.user_id == actor.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
