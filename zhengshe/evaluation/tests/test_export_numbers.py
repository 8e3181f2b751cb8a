"""The results export: scores are number cells (an office sums and sorts them), not the text '71.38'."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from . import factories as f

pytestmark = pytest.mark.django_db


def test_results_export_writes_scores_as_numbers(world, client_for):
    ns = f.build(world)
    response = client_for(world.district_admin).get(reverse("evaluation:results", args=[ns.round.pk]),
                                                    {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    totals = [row[headers.index("总分")] for row in ws.iter_rows(min_row=2)]
    # a unit without a total (评分不全, 不评定) says so in words; every total there is is a number
    scored = [c for c in totals if c.value not in (None, "—") and not isinstance(c.value, str)]
    assert all(c.value in ("评分不全", "未评定", "—") for c in totals if isinstance(c.value, str))
    assert scored, "no scored unit in the export"
    assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in scored), [
        (c.value, c.data_type) for c in scored]
