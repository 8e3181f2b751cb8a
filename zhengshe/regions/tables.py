from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table

from .models import Region


class RegionTable(Table):
    model = Region
    columns = [
        Column("code", _("区划代码"), link="regions:detail", link_arg="code"),
        Column("name", _("名称"), link="regions:detail", link_arg="code"),
        Column("level", _("层级")),
        Column("parent__name", _("上级")),
        Column("urban_rural_code", _("城乡分类代码"), raw=True),
        Column("population", _("统计人口"), numeric=True),
        Column("summed_population", _("下辖村社人口合计"), numeric=True),
        Column("households", _("户数"), numeric=True),
        Column("service_centre_area", _("服务中心面积（㎡）"), numeric=True),
    ]


class ChildRegionTable(Table):
    """A region's direct children with the sums of their own subtrees (``selectors.children_rows``)."""

    model = Region  # rows are dicts; the level's label comes from the model's choices

    columns = [
        Column("code", _("代码"), link="regions:detail", link_arg="code"),
        Column("name", _("名称"), link="regions:detail", link_arg="code"),
        Column("level", _("层级")),
        Column("total_villages", _("村（社区）数"), numeric=True, grouped=True),
        Column("population", _("统计人口"), numeric=True, grouped=True),
        Column("summed_population", _("下辖村社人口合计"), numeric=True, grouped=True),
        Column("total_households", _("户数"), numeric=True, grouped=True),
        Column("community_centres", _("社区服务中心≥400㎡"), numeric=True),
        Column("village_centres", _("村服务中心≥400㎡"), numeric=True),
    ]
