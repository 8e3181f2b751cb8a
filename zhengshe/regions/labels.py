"""Labels of the events the regions app records (``core.labels``)."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events

register_events({"regions.import": _("导入区划")})
