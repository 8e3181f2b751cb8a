"""The demo step: 双凤镇's agreements drafted, 新湖村 negotiated and signed, instalments recorded; idempotent."""

import random
from decimal import Decimal

from zhengshe.core.demo import DemoContext


def _county():
    from zhengshe.accounts import demo as accounts_demo
    from zhengshe.accounts.models import User
    from zhengshe.agreements.demo import xinhu_council
    from zhengshe.organizations.models import Organization
    from zhengshe.regions import demo as regions_demo

    county = regions_demo.build_county(random.Random(2026))
    org = Organization.objects.create(name="太仓市益众社会工作服务中心", region=county)
    accounts_demo.build_users(county, org, xinhu_council(county))
    return county, {u.username: u for u in User.objects.all()}


def test_demo_without_a_list_creates_nothing(db):
    from zhengshe.agreements import demo
    from zhengshe.agreements.models import Agreement

    county, users = _county()
    ctx = DemoContext(rng=random.Random(1), county=county, users=users)
    demo.build(ctx)
    assert not Agreement.objects.exists() and "未生成协议" in ctx.log[-1]


def test_demo_drafts_signs_and_pays(db):
    from zhengshe.agreements import demo, selectors
    from zhengshe.agreements.models import Agreement
    from zhengshe.regions.models import Region

    from .conftest import make_assisted_list

    county, users = _county()
    make_assisted_list(county, year=2026)
    ctx = DemoContext(rng=random.Random(1), county=county, users=users)
    demo.build(ctx)
    town = Region.objects.get(code=demo.SHUANGFENG)
    committees = Region.objects.filter(parent=town, level="village").count()
    assert Agreement.objects.filter(party_a=town).count() == committees
    xinhu = Agreement.objects.get(party_b__name="新湖村")
    assert xinhu.status == "in_force" and xinhu.revision == 2 and xinhu.b_seal_image
    assert xinhu.notes.get().status == "accepted"
    assert selectors.ledger_totals(xinhu)["paid"] > Decimal("0")
    rows = selectors.funds_rollup(users["mzj"], year=xinhu.year, group="town")
    assert rows[0]["label"] == "双凤镇" and rows[0]["paid"] > 0 and rows[0]["agreements"] >= 5
    assert selectors.late_instalments(region=town, year=xinhu.year) == 1
    demo.build(ctx)  # idempotent
    assert Agreement.objects.filter(party_a=town).count() == committees


def test_demo_council_signs_its_2plus1_agreement(db):
    from zhengshe.agreements import demo
    from zhengshe.agreements.models import Agreement

    from .conftest import make_assisted_list

    county, users = _county()
    make_assisted_list(county, year=2026)
    make_assisted_list(county, year=2026, kind="council",
                       items=[("C01", "协助组织楼道环境整治", "fixed", Decimal("2000"))])
    ctx = DemoContext(rng=random.Random(1), county=county, users=users)
    demo.build(ctx)
    council_agreement = Agreement.objects.get(kind="council", council__name="新湖村居民自治理事会")
    assert council_agreement.status == "in_force" and council_agreement.b_signed_by == users["lishihui"]
    assert council_agreement.a_signed_by == users["xinhu"]
    demo.build(ctx)  # idempotent
    assert Agreement.objects.filter(kind="council").count() == 1
