"""The two lists (两份清单) and the third "2+1" list, versioned per issuing region and year.

A ``DutyList`` is one version of one kind of list issued by a county/city; it applies to the whole
subtree of its region. Its ``ListItem`` rows belong to that version only; an ``ItemIdentity`` gives an
item a stable identity across versions, so agreements and evaluations that cite "item X" keep
following it when v2 rewrites its text. Publishing v2 supersedes v1 without touching v1's rows.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel

from .choices import FundingBasis, ListKind, ListStatus


class DutyList(BaseModel):
    """One version of a list (duties by law, assisted matters, or the residents' council list)."""

    kind = models.CharField(_("清单类别"), max_length=16, choices=ListKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="duty_lists",
                               verbose_name=_("发布区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
                                 verbose_name=_("上一版本"))

    scope_region_field = "region"
    scope_visible_from_below = True  # a county's list applies to (and is read by) every village under it

    class Meta:
        verbose_name = _("清单")
        verbose_name_plural = _("清单")
        ordering = ["region__path", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "version"], name="duty_list_version_unique"),
        ]

    def __str__(self):
        return f"{self.title}（第 {self.version} 版）"

    def get_absolute_url(self):
        return reverse("catalog:list_detail", args=[self.pk])


class ItemIdentity(BaseModel):
    """The stable identity of a list item across versions (what agreements and indicators cite)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布区划"))
    kind = models.CharField(_("清单类别"), max_length=16, choices=ListKind.choices)
    key = models.CharField(_("事项标识"), max_length=40,
                           help_text=_("跨版本不变的事项标识，默认取首次出现时的编号"))

    scope_region_field = "region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("事项标识")
        verbose_name_plural = _("事项标识")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "key"], name="item_identity_unique")]

    def __str__(self):
        return self.key


class ListItem(BaseModel):
    """One item of one list version: number, category, text, legal basis, department, money."""

    duty_list = models.ForeignKey(DutyList, on_delete=models.PROTECT, related_name="items", verbose_name=_("清单"))
    identity = models.ForeignKey(ItemIdentity, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name=_("事项标识"))
    number = models.CharField(_("编号"), max_length=20)
    category = models.CharField(_("类别"), max_length=100)
    title = models.CharField(_("事项名称"), max_length=300)
    description = models.TextField(_("事项内容"), blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    funding_follows = models.BooleanField(_("费随事转"), default=False)
    funding_basis = models.CharField(_("经费标准方式"), max_length=16, choices=FundingBasis.choices,
                                     default=FundingBasis.NONE)
    funding_amount = models.DecimalField(_("经费标准（元）"), max_digits=12, decimal_places=2, default=0)
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "duty_list__region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["duty_list", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "number"], name="list_item_number_unique"),
            models.UniqueConstraint(fields=["duty_list", "identity"], name="list_item_identity_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"
