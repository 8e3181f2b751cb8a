"""Messages to organizations and offices (reminders, decisions), deduplicated, marked read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import (
    Notification,
)


def notify(*, kind, title, body="", organization=None, region=None, link="", dedupe_key="") -> Notification | None:
    """Leave a message for an organization or an office; with a key, the same message is never sent twice."""
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    return Notification.objects.create(kind=kind, title=title[:200], body=body, organization=organization,
                                       region=region, link=link, dedupe_key=dedupe_key)


@transaction.atomic
def notification_read(*, actor, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification
