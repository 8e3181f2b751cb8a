"""Every waiting state of every workflow, walked: an object in the state is in exactly the right people's 待办,
and a real move out of it closes their items and opens exactly those of the next state.

A workflow that declares a waiting state without a case here fails ``test_every_waiting_state_has_a_case``:
a new app (projects, appeals, mediation, people) cannot add a 待办 nobody has checked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType

from zhengshe.core import inbox
from zhengshe.core.models import WorkItem

from .test_inbox import waiting_for

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """``make(world)`` returns an object in the state, reached through the apps' own services; ``waiters`` are
    the world users who must find it in 待办 (and nobody else); ``leave(world, obj)`` makes one real move out
    of the state and returns the name of the world user who made it."""

    make: Callable
    waiters: set[str]
    leave: Callable
    # World users a case adds for its move (e.g. a second manager where four eyes are required): they may make the
    # move although the expected waiters are the world's own users.
    helpers: frozenset[str] = frozenset()


# --- agreements ------------------------------------------------------------------------------------------------


def _agreement_draft(world, *, b_signs_first=True):
    from zhengshe.agreements import services
    from zhengshe.agreements.models import Agreement
    from zhengshe.agreements.tests.conftest import make_assisted_list

    make_assisted_list(world.county_a)
    template = services.template_create(actor=world.town_staff, region=world.town_a1, year=2026, b_signs_first=b_signs_first,
                                        instalment_plan=[{"label": "全额", "percent": "100", "due": "2026-06-30"}])
    services.drafting_start(actor=world.town_staff, template=template)
    return Agreement.objects.get(template=template, party_b=world.village_a1x)


def _agreement_negotiating(world, **kw):
    from zhengshe.agreements import services

    return services.agreement_transition(actor=world.town_staff, agreement=_agreement_draft(world, **kw),
                                         action="submit")


def _confirm_both(world, agreement):
    from zhengshe.agreements import services

    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    return services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)


def _sign(world, who, agreement):
    from zhengshe.agreements import services

    return services.agreement_sign(actor=getattr(world, who), agreement=agreement, signer_name="签署人",
                                   seal_number=f"{who}-章")


def _agreement_awaiting_b(world):  # an agreement where the town may sign first, and did
    return _sign(world, "town_staff", _confirm_both(world, _agreement_negotiating(world, b_signs_first=False)))


def _agreement_signed_by_b(world):
    return _sign(world, "village_staff", _confirm_both(world, _agreement_negotiating(world)))


def _agreement_signed_by_a(world):  # both signed, the town (party A) has the next step (putting it in force)
    return _sign(world, "village_staff", _agreement_awaiting_b(world))


def _leave_negotiating(world, agreement):
    _sign(world, "village_staff", _confirm_both(world, agreement))
    return "village_staff"


def _leave_signed_by_a(world, agreement):
    from zhengshe.agreements.workflows import AGREEMENT_FLOW

    move = next(a for a in AGREEMENT_FLOW.moves_from(agreement.status) if a != "terminate")
    from zhengshe.agreements import services

    services.agreement_transition(actor=world.town_staff, agreement=agreement, action=move)
    return "town_staff"


def _signed_agreement(world):
    from zhengshe.agreements.tests.conftest import sign_both

    return sign_both(world, _agreement_draft(world))


def _amendment_draft(world):
    from zhengshe.agreements import services

    return services.amendment_create(actor=world.town_staff, agreement=_signed_agreement(world), title="",
                                     content="根据年中工作调整，补充约定工作要求。")


def _amendment_signed_by_b(world):
    from zhengshe.agreements import services

    return services.amendment_sign(actor=world.village_staff, amendment=_amendment_draft(world), signer_name="张",
                                   seal_number="村章")


def _leave_amendment(who):
    def leave(world, amendment):
        from zhengshe.agreements import services

        services.amendment_sign(actor=getattr(world, who), amendment=amendment, signer_name="签署人",
                                seal_number="章")
        return who

    return leave


# --- catalog ---------------------------------------------------------------------------------------------------


def _admission(world, *, returned=False):
    from zhengshe.catalog import services
    from zhengshe.catalog.tests import factories as f

    request = f.admission(world)
    if returned:
        request = services.admission_move(actor=world.district_admin, admission=request, action="return",
                                          comment="请补充依据")
    return request


def _leave_admission(who, action):
    def leave(world, request):
        from zhengshe.catalog import services

        services.admission_move(actor=getattr(world, who), admission=request, action=action, comment="测试意见")
        return who

    return leave


# --- evaluation ------------------------------------------------------------------------------------------------


def _draft_sheet(world):  # the expert opened a second unit's sheet and has not submitted it
    from zhengshe.evaluation import services
    from zhengshe.evaluation.tests import factories

    ns = factories.build(world, publish=False)
    return services.sheet_open(actor=world.expert, unit=ns.round.units.get(region=world.village_a1y,
                                                                            kind="committee"))


def _leave_sheet(world, sheet):
    from zhengshe.evaluation import services

    first = services.sheet_indicators(sheet)[0]
    services.sheet_save(actor=world.expert, sheet=sheet, entries={first.pk: {"value": "8"}}, comment="专家意见",
                        submit=True)
    return "expert"


def _open_objection(world):
    from zhengshe.evaluation.tests import factories

    return factories.build(world).objection


def _leave_objection(world, objection):
    from zhengshe.evaluation import services

    services.objection_answer(actor=world.district_admin, objection=objection, response="经复核，维持原结果。")
    return "district_admin"


def _answered_objection(world):
    objection = _open_objection(world)
    _leave_objection(world, objection)
    return type(objection).objects.get(pk=objection.pk)


def _confirm_objection(world, objection):
    """The answer takes effect when a second manager of the county confirms it (four eyes)."""
    from zhengshe.evaluation import services
    from zhengshe.testing import make_user

    world.second_manager = make_user("district_a_second", "district_admin", region=world.county_a)
    services.objection_confirm(actor=world.second_manager, objection=objection)
    return "second_manager"


# --- organizations ---------------------------------------------------------------------------------------------


def _complete_org(world):
    from zhengshe.organizations.credit_code import make_credit_code

    o = world.org_a
    o.credit_code = make_credit_code("1", "320581", 77)
    o.org_type, o.category, o.registration_authority = "social_group", "charity", "甲县民政局"
    o.registered_on, o.founded_on = datetime.date(2018, 5, 1), datetime.date(2018, 4, 1)
    o.legal_representative, o.contact_person, o.contact_phone = "赵代表", "钱联系", "13987654321"
    o.save()
    return o


def _report(world, state):
    from zhengshe.organizations.services.reports import annual_report_review, annual_report_save
    from zhengshe.organizations.tests import factories
    from zhengshe.organizations.workflows import REPORT_FLOW

    report = factories.report(_complete_org(world), year=2025)
    if state == "missing":
        return REPORT_FLOW.transition(report, "mark_missing", actor=None, internal=True)
    if state in ("submitted", "returned"):
        report = annual_report_save(actor=world.org_user, report=report,
                                    data={"activities": "开展助老服务 12 次"}, version=report.version, submit=True)
    if state == "returned":
        report = annual_report_review(actor=world.district_admin, report=report, action="return", comment="请补充财务")
    return report


def _leave_report_by_org(world, report):
    from zhengshe.organizations.services.reports import annual_report_save

    annual_report_save(actor=world.org_user, report=report, data={"activities": "开展助老服务 12 次"},
                       version=report.version, submit=True)
    return "org_user"


def _leave_report_by_office(world, report):
    from zhengshe.organizations.services.reports import annual_report_review

    annual_report_review(actor=world.district_admin, report=report, action="accept", result="qualified")
    return "district_admin"


def _change(world):
    from zhengshe.organizations.services.registry import change_request_submit

    return change_request_submit(actor=world.org_user, org=_complete_org(world), changes={"address": "甲县新址路1号"},
                                 reason="办公地址搬迁")


def _leave_change(world, change):
    from zhengshe.organizations.services.registry import change_request_decide

    change_request_decide(actor=world.district_admin, change=change, action="approve")
    return "district_admin"


# --- projects --------------------------------------------------------------------------------------------------


def _application(world, *, submit=False):
    from zhengshe.projects import services
    from zhengshe.projects.tests import factories

    application = factories.application(world, factories.call(world))
    if submit:
        factories.eligible(world.org_a)
        application = services.application_submit(actor=world.org_user, application=application,
                                                   today=factories.TODAY)
    return application


def _leave_application_by_org(world, application):
    from zhengshe.projects import services
    from zhengshe.projects.tests import factories

    factories.eligible(world.org_a)
    services.application_submit(actor=world.org_user, application=application, today=factories.TODAY)
    return "org_user"


def _leave_application_by_town(world, application):
    from zhengshe.projects import services

    services.application_move(actor=world.town_staff, application=application, action="accept")
    return "town_staff"


def _review(world):
    from zhengshe.projects.models import Review
    from zhengshe.projects.tests import factories

    _call, applications, _reviewers = factories.reviewed_call(world, orgs=1)
    return Review.objects.get(application=applications[0], reviewer=world.expert)


def _leave_review(world, review):
    from zhengshe.projects.tests import factories

    factories.score(world.expert, review.application, ["30", "30", "15"])
    return "expert"


def _contract(world, *, signed_by_org=False):
    from zhengshe.projects import services
    from zhengshe.projects.tests import factories

    contract = factories.contract(world)
    if signed_by_org:
        contract = services.contract_move(actor=world.org_user, contract=contract, action="sign_org")
    return contract


def _leave_contract(who, action):
    def leave(world, contract):
        from zhengshe.projects import services

        services.contract_move(actor=getattr(world, who), contract=contract, action=action)
        return who

    return leave


def _reported_milestone(world):
    from zhengshe.projects.tests import factories

    return factories.report(world, factories.in_force(world).milestones.get(position=1))


def _leave_milestone(world, milestone):
    from zhengshe.projects import services

    services.milestone_decide(actor=world.town_staff, milestone=milestone, action="accept")
    return "town_staff"


CASES: dict[tuple[str, str], Case] = {
    ("agreement", "negotiating"): Case(_agreement_negotiating, {"village_staff"}, _leave_negotiating),
    ("agreement", "awaiting_b"): Case(_agreement_awaiting_b, {"village_staff"},
                                      lambda w, a: (_sign(w, "village_staff", a), "village_staff")[1]),
    ("agreement", "signed_by_b"): Case(_agreement_signed_by_b, {"town_staff"},
                                       lambda w, a: (_sign(w, "town_staff", a), "town_staff")[1]),
    ("agreement", "signed_by_a"): Case(_agreement_signed_by_a, {"town_staff"}, _leave_signed_by_a),
    ("amendment", "draft"): Case(_amendment_draft, {"village_staff"}, _leave_amendment("village_staff")),
    ("amendment", "signed_by_b"): Case(_amendment_signed_by_b, {"town_staff"}, _leave_amendment("town_staff")),
    ("catalog.admission", "submitted"): Case(_admission, {"district_admin"},
                                             _leave_admission("district_admin", "return")),
    ("catalog.admission", "returned"): Case(lambda w: _admission(w, returned=True), {"town_staff"},
                                            _leave_admission("town_staff", "submit")),
    ("evaluation.sheet", "draft"): Case(_draft_sheet, {"expert"}, _leave_sheet),
    ("evaluation.objection", "open"): Case(_open_objection, {"district_admin"}, _leave_objection),
    ("evaluation.objection", "pending"): Case(_answered_objection, {"district_admin"}, _confirm_objection,
                                              helpers=frozenset({"second_manager"})),
    ("organizations.annual_report", "draft"): Case(lambda w: _report(w, "draft"), {"org_user"},
                                                   _leave_report_by_org),
    ("organizations.annual_report", "missing"): Case(lambda w: _report(w, "missing"), {"org_user"},
                                                     _leave_report_by_org),
    ("organizations.annual_report", "returned"): Case(lambda w: _report(w, "returned"), {"org_user"},
                                                      _leave_report_by_org),
    ("organizations.annual_report", "submitted"): Case(lambda w: _report(w, "submitted"), {"district_admin"},
                                                       _leave_report_by_office),
    ("organizations.change_request", "pending"): Case(_change, {"district_admin"}, _leave_change),
    ("projects.application", "draft"): Case(_application, {"org_user"}, _leave_application_by_org),
    ("projects.application", "submitted"): Case(lambda w: _application(w, submit=True), {"town_staff"},
                                                 _leave_application_by_town),
    ("projects.review", "draft"): Case(_review, {"expert"}, _leave_review),
    ("projects.contract", "draft"): Case(_contract, {"org_user"}, _leave_contract("org_user", "sign_org")),
    ("projects.contract", "signed_by_org"): Case(lambda w: _contract(w, signed_by_org=True), {"town_staff"},
                                                 _leave_contract("town_staff", "sign_buyer")),
    ("projects.milestone", "reported"): Case(_reported_milestone, {"town_staff"}, _leave_milestone),
}


def _declared() -> list[tuple[str, str]]:
    return sorted((w.name, str(state)) for w in inbox.declared_workflows() for state in w.waiting)


def test_every_waiting_state_has_a_case():
    missing = sorted(set(_declared()) - set(CASES))
    assert not missing, f"waiting states no walk case covers (add one to CASES): {missing}"
    stale = sorted(set(CASES) - set(_declared()))
    assert not stale, f"walk cases for states that no longer wait: {stale}"


def _open_for(obj):
    ctype = ContentType.objects.get_for_model(type(obj))
    return WorkItem.objects.filter(content_type=ctype, object_id=str(obj.pk), closed_at__isnull=True)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: f"{k[0]}:{k[1]}")
def test_walk(world, key):
    case = CASES[key]
    workflow = next(w for w in inbox.declared_workflows() if w.name == key[0])
    # given an object brought into the state by the apps' own services
    obj = case.make(world)
    assert str(getattr(obj, workflow.status_field)) == key[1]
    # then exactly the right people have it in 待办 (the sibling village, the other county, other organizations:
    # never), and the items name the state in Chinese
    assert waiting_for(world, obj) == case.waiters
    items = list(_open_for(obj))
    assert items and all(item.state_label and item.state_label != item.state for item in items)
    # when one of them makes a real move out of the state
    mover = case.leave(world, obj)
    assert mover in case.waiters | case.helpers
    fresh = type(obj).objects.get(pk=obj.pk)
    new_state = str(getattr(fresh, workflow.status_field))
    assert new_state != key[1]
    # then the old state's items are closed, by that person, and are in their 已办
    ctype = ContentType.objects.get_for_model(type(obj))
    closed = WorkItem.objects.filter(content_type=ctype, object_id=str(obj.pk), state=key[1])
    assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
    assert inbox.done_items(getattr(world, mover)).filter(content_type=ctype, object_id=str(obj.pk)).exists()
    # and the object now waits for exactly the people of its new state (nobody when that state waits for no one)
    next_case = CASES.get((key[0], new_state))
    assert waiting_for(world, fresh) == (next_case.waiters if next_case else set()), new_state

