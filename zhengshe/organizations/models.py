"""Social organizations (the registry is built out by the organizations issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel


class Organization(BaseModel):
    """A social organization: registered (社会团体, 民办非企业单位, 基金会) or filed (社区社会组织)."""

    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="organizations",
                               verbose_name=_("所在区划"))

    scope_region_field = "region"
    scope_org_field = "pk"

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")

    def __str__(self):
        return self.name
