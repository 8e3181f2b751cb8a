"""List cells (发布时间, 提交时间) show the Beijing day of a moment, as the detail pages do."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from . import factories


def test_a_list_published_at_one_in_the_morning_shows_that_day(small_hours, world, client_for):
    """Given the county publishes at 01:00 on 2026-12-07 Beijing time (still the 6th in UTC), when the lists page and
    its export are read, then 发布时间 says 2026年12月7日."""
    factories.published_list(world)
    client = client_for(world.district_admin)
    page = client.get(reverse("catalog:list_list")).content.decode()
    assert "2026年12月7日" in page and "2026年12月6日" not in page
    ws = load_workbook(io.BytesIO(client.get(reverse("catalog:list_list"), {"export": "xlsx"}).content)).active
    column = [c.value for c in ws[1]].index("发布时间")
    assert [row[column].value for row in ws.iter_rows(min_row=2)] == ["2026年12月7日"]


def test_an_admission_submitted_at_one_in_the_morning_shows_that_day(small_hours, world, client_for):
    factories.admission(world)
    page = client_for(world.district_admin).get(reverse("catalog:admission_list")).content.decode()
    assert "2026年12月7日" in page and "2026年12月6日" not in page
