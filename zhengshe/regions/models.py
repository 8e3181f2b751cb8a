"""The administrative region tree with a materialized path of codes.

``path`` is the chain of ancestor codes ending in the region's own, each followed by "/" (e.g.
``320000/320500/320585/320585100/``), indexed, so a subtree is one ``path LIKE 'prefix%'`` and the
ancestors are one ``path IN (...)`` query on SQLite and PostgreSQL alike.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel
from zhengshe.core.rollups import RollupQuerySet
from zhengshe.core.scoping import ScopedQuerySet, ancestor_paths

from . import codes
from . import rollups as region_rollups
from .choices import LEVEL_DEPTH, URBAN_RURAL_CHOICES, Level


class RegionQuerySet(RollupQuerySet, ScopedQuerySet):
    """Regions' bulk writes move the totals' rollup rows (``regions.rollups``) in their transaction."""


class Region(BaseModel):
    """One unit of the tree: province, city, county, town/street, village/community, grid or group."""

    code = models.CharField(_("区划代码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    urban_rural_code = models.CharField(_("城乡分类代码"), max_length=3, blank=True, choices=URBAN_RURAL_CHOICES)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), editable=False)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    service_centre_area = models.DecimalField(_("社区综合服务中心面积（㎡）"), max_digits=10, decimal_places=2,
                                              null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    scope_region_field = "self"
    objects = RegionQuerySet.as_manager()
    rollup_fields = ("population", "households", "service_centre_area", "level", "code", "path")
    rollup_of = staticmethod(region_rollups.of)
    rollup_of_rows = staticmethod(region_rollups.rows_contribution)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        # (level, path, name) covers the subtree-by-level reads and the name search of a list without
        # touching the table.
        indexes = [models.Index(fields=["level", "path", "name"], name="region_level_path_name"),
                   models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.code])

    def clean(self):
        error = codes.format_error(self.code, self.level)
        if error:
            raise ValidationError({"code": error})
        if self.parent is not None:
            from .choices import PARENT_LEVEL

            if self.parent.level not in PARENT_LEVEL.get(self.level, set()):
                raise ValidationError({"parent": _("层级顺序不正确：%(level)s 不能直接隶属于 %(parent)s") % {
                    "level": self.get_level_display(), "parent": self.parent.get_level_display()}})
            error = codes.nesting_error(self.code, self.parent.code, self.level)
            if error:
                raise ValidationError({"code": error})
        elif self.level != Level.PROVINCE:
            raise ValidationError({"parent": _("只有省级区划可以没有上级")})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        self.depth = LEVEL_DEPTH[self.level]
        super().save(*args, **kwargs)

    @property
    def ancestor_paths(self) -> list[str]:
        return ancestor_paths(self.path)[:-1]

    @property
    def is_community(self) -> bool:
        return self.level == Level.VILLAGE and self.code[9:12] <= "199"
