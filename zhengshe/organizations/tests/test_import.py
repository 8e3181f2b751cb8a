"""Importing an existing register: all-or-nothing, every bad row reported; export round trip."""

import io

from openpyxl import Workbook, load_workbook

from ..credit_code import make_credit_code
from ..imports import IMPORT_HEADERS, import_register
from ..models import Organization
from . import factories as f


def _xlsx(rows, headers=IMPORT_HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "register.xlsx"
    return out


def _row(name, code, region, **kw):
    row = {"名称": name, "统一社会信用代码": code, "组织类型": "社会团体", "类别": "公益慈善类", "所在区划代码": region,
           "登记日期": "2019-06-01", "法定代表人": "张三", "联系电话": "13800001234", "会员数": 20}
    row.update(kw)
    return row


def test_file_full_of_bad_rows_writes_nothing_and_reports_each(world):
    existing = f.org(world.town_a1, name="已有协会")
    good = make_credit_code("1", "320581", 5001)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        _row("甲组织", bad_check, world.town_a1.code),                            # 2: wrong check character
        _row("乙组织", make_credit_code("1", "320581", 5002), "999999999999"),     # 3: unknown region
        _row("丙组织", existing.credit_code, world.town_a1.code),                  # 4: duplicate of the system
        _row("丁组织", good, world.town_a1.code),                                  # 5: fine on its own …
        _row("戊组织", good, world.town_a1.code),                                  # 6: … duplicated here
        _row("己组织", make_credit_code("1", "320582", 5003), world.town_b1.code),  # 7: outside the importer's scope
        _row("庚组织", "91350100m000100y43", world.town_a1.code),                  # 8: lower case
        _row("辛组织", make_credit_code("1", "320581", 5004), world.town_a1.code, 类别="火星类"),  # 9: unknown category
    ]
    before = Organization.objects.count()
    report = import_register(_xlsx(rows), actor=world.district_admin)
    assert not report.ok
    assert Organization.objects.count() == before
    by_row = {e.row: "；".join(e.messages) for e in report.errors}
    assert set(by_row) == {2, 3, 4, 6, 7, 8, 9}
    assert "校验码" in by_row[2]
    assert "不存在" in by_row[3]
    assert "已存在" in by_row[4]
    assert "第 5 行重复" in by_row[6]
    assert "管理范围" in by_row[7]
    assert "大写" in by_row[8]
    assert "类别" in by_row[9]


def test_good_file_imports_every_row_with_filing_numbers(world):
    rows = [_row("甲县慈善协会", make_credit_code("1", "320581", 6001), world.county_a.code, 登记层级="县（区）级"),
            _row("甲1x广场舞队", "", world.village_a1x.code, 组织类型="社区社会组织", 类别="文体类")]
    report = import_register(_xlsx(rows), actor=world.district_admin)
    assert report.ok, report.errors
    assert report.created == 2
    filed = Organization.objects.get(name="甲1x广场舞队")
    assert filed.registration_kind == "filed" and filed.filing_number.startswith("BA320581100")


def test_import_page_end_to_end_and_export_round_trip(world, client_for):
    client = client_for(world.district_admin)
    upload = _xlsx([_row("甲县科普协会", make_credit_code("1", "320581", 7001), world.town_a1.code)])
    response = client.post("/organizations/import/", {"file": upload})
    assert response.status_code == 302
    assert Organization.objects.filter(name="甲县科普协会").exists()
    bad = _xlsx([_row("坏行", "123", world.town_a1.code)])
    response = client.post("/organizations/import/", {"file": bad})
    assert response.status_code == 200 and "18位" in response.content.decode()
    assert not Organization.objects.filter(name="坏行").exists()
    exported = client.get("/organizations/export.xlsx")
    ws = load_workbook(io.BytesIO(exported.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == IMPORT_HEADERS
    assert any(r[0] == "甲县科普协会" for r in rows[1:])


def test_only_the_civil_affairs_office_imports(world):
    import pytest

    from zhengshe.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        import_register(_xlsx([]), actor=world.town_staff)


def test_check_character_failures_pass_only_with_an_administrator_reason(world):
    from zhengshe.audit.models import AuditEntry

    good = make_credit_code("1", "320581", 8001)
    issued = good[:17] + ("0" if good[17] != "0" else "1")  # a really issued code that fails the check
    rows = [_row("甲县老协会", issued, world.town_a1.code)]
    assert not import_register(_xlsx(rows), actor=world.district_admin).ok
    rows_with_format_error = [_row("甲县格式错", "91350100m000100y43", world.town_a1.code)]
    assert not import_register(_xlsx(rows_with_format_error), actor=world.district_admin,
                               override_reason="历史代码").ok  # only check characters can be overridden
    report = import_register(_xlsx(rows), actor=world.district_admin, override_reason="2003 年核发，登记证书为准")
    assert report.ok
    org = Organization.objects.get(name="甲县老协会")
    assert org.credit_code_override and org.credit_code_override_reason.startswith("2003")
    assert AuditEntry.objects.filter(action="organizations.credit_code_override", object_id=str(org.pk)).exists()
