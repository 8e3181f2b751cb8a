"""core's own pages in the every-URL scope test: the inbox lists only what waits for the visitor."""

from zhengshe.testing import ScopeCase


def _waiting_item(w):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from zhengshe.core.models import WorkItem

    WorkItem.objects.create(content_type=ContentType.objects.get_for_model(type(w.village_a1x)), object_id="1",
                            workflow="test", state="submitted", title="甲县1镇1村标记待办", role="village_staff",
                            region_path=w.village_a1x.path, opened_at=timezone.now())
    return {"marker": "甲县1镇1村标记待办"}


CASES = {
    "core:inbox": ScopeCase(_waiting_item),
}
