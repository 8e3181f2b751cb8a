"""Administrative division codes: format per level, 统计用区划代码 segments, nesting under the parent."""

import pytest
from django.core.exceptions import ValidationError

from zhengshe.regions import codes
from zhengshe.regions.choices import Level
from zhengshe.regions.models import Region


@pytest.mark.parametrize("code, level", [
    ("320000", Level.PROVINCE), ("320500", Level.CITY), ("320585", Level.COUNTY),
    ("320585001", Level.TOWN), ("320585105", Level.TOWN), ("320585400", Level.TOWN),
    ("320585105001", Level.VILLAGE), ("320585105201", Level.VILLAGE),
    ("320585105201-01", Level.GRID), ("320585105201-A3", Level.GROUP),
])
def test_well_formed_codes_are_accepted_for_their_level(code, level):
    # Given a code of the right length and segments for its level, when checked, then no error.
    assert codes.format_error(code, level) is None


@pytest.mark.parametrize("code, level, fragment", [
    ("", None, "为空"),
    ("32058", None, "格式不正确"),
    ("3205851051", None, "格式不正确"),
    ("32058510520A", None, "格式不正确"),
    ("990000", Level.PROVINCE, "11–82"),
    ("320585", Level.TOWN, "不符"),
    ("320585105", Level.VILLAGE, "不符"),
    ("320585000", Level.TOWN, "001–599"),       # town segment 000
    ("320585600", Level.TOWN, "001–599"),       # town segment beyond 599
    ("320585105000", Level.VILLAGE, "001–399"),  # village segment 000
    ("320585105400", Level.VILLAGE, "001–399"),  # village segment beyond 399
    ("320585105201", Level.GRID, "本地编号"),
    ("320585105201-", Level.GRID, "格式不正确"),
    ("320585105201-1234567", Level.GRID, "格式不正确"),
])
def test_malformed_codes_are_refused_in_chinese(code, level, fragment):
    error = codes.format_error(code, level)
    assert error is not None and fragment in error


@pytest.mark.parametrize("code, parent, level, ok", [
    ("320500", "320000", Level.CITY, True),
    ("330500", "320000", Level.CITY, False),
    ("320585", "320500", Level.COUNTY, True),
    ("320685", "320500", Level.COUNTY, False),
    ("429004", "420000", Level.COUNTY, True),   # 省直辖县级行政区 under the province
    ("320585105", "320585", Level.TOWN, True),
    ("320586105", "320585", Level.TOWN, False),
    ("320585105201", "320585105", Level.VILLAGE, True),
    ("320585106201", "320585105", Level.VILLAGE, False),
    ("320585105201-01", "320585105201", Level.GRID, True),
    ("320585105202-01", "320585105201", Level.GRID, False),
])
def test_nesting_follows_the_parent_code(code, parent, level, ok):
    error = codes.nesting_error(code, parent, level)
    assert (error is None) is ok
    if not ok:
        assert "不在上级" in error


def test_village_kind_from_the_code():
    assert str(codes.village_kind("320585105001")) == "社区"
    assert str(codes.village_kind("320585105201")) == "村"


def test_model_validation_refuses_level_out_of_order_and_bad_nesting(world):
    # Given a county, when a village is attached directly to it, then the level order is refused.
    bad = Region(code="320581100209", name="错层村", level=Level.VILLAGE, parent=world.county_a)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "层级顺序不正确" in str(exc.value)
    # When a village's code is not under its town's code, then nesting is refused.
    bad = Region(code="320581101209", name="错码村", level=Level.VILLAGE, parent=world.town_a1)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "不在上级" in str(exc.value)
    # Only a province may have no parent.
    with pytest.raises(ValidationError):
        Region(code="320599", name="孤县", level=Level.COUNTY).full_clean()


def test_path_and_depth_follow_the_parent(world):
    village = world.village_a1x
    assert village.path == "320000/320500/320581/320581100/320581100001/"
    assert village.depth == 5
    assert village.ancestor_paths[-1] == world.town_a1.path
