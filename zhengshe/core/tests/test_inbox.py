"""The work inbox (待办 / 已办), kept by the workflow engine: who finds what, when it leaves, and at what cost."""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from zhengshe.catalog.tests import factories as f
from zhengshe.core import inbox
from zhengshe.core.models import Notification, WorkItem
from zhengshe.testing import assert_max_queries

pytestmark = pytest.mark.django_db

USERS = ["district_admin", "district_admin_b", "leader", "town_staff", "town_staff_b", "village_staff",
         "sibling_staff", "org_user", "org_user_b", "expert", "sys_admin", "nobody"]


def waiting_for(world, obj) -> set[str]:
    """The world users whose 待办 lists ``obj``."""
    ctype = ContentType.objects.get_for_model(type(obj))
    return {name for name in USERS
            if inbox.open_items(getattr(world, name)).filter(content_type=ctype, object_id=str(obj.pk)).exists()}


# --- every declared table -------------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", inbox.declared_workflows(), ids=lambda w: w.name)
def test_every_waiting_state_is_a_state_of_its_table_and_its_waiters_can_act(workflow):
    # given a workflow's waiting declaration
    model = apps.get_model(workflow.model)
    states = {value for value, _label in model._meta.get_field(workflow.status_field).choices}
    for state, waiting in workflow.waiting.items():
        # then the state is one of the model's, has moves out of it, and those who wait may make one of them
        assert state in states, (workflow.name, state)
        moves = workflow.moves_from(state)
        assert moves, f"{workflow.name}: {state} waits for someone but no move leaves it"
        assert bool(waiting.roles) != bool(waiting.user), "a state waits for roles or for one user"
        if waiting.roles and not callable(waiting.roles):
            movers = set().union(*(set(t.roles) for t in moves.values()))
            assert set(waiting.roles) <= movers, (workflow.name, state, set(waiting.roles) - movers)


def test_every_waiting_model_is_scoped_so_items_hang_on_a_region_or_target():
    for workflow in inbox.declared_workflows():
        model = apps.get_model(workflow.model)
        assert model.scope_region_field or model.scope_target_fields, workflow.name


# --- the engine keeps the table ---------------------------------------------------------------------------------


def test_submitted_admission_waits_for_its_county_office_only_and_leaves_on_approval(world):
    # given a town worker's request, submitted to county A
    request = f.admission(world)
    # then it waits for county A's office, not county B's, and not for the applicant
    assert waiting_for(world, request) == {"district_admin"}
    # when the office returns it, it waits for the applicant town (and its sibling town does not see it)
    from zhengshe.catalog import services

    services.admission_move(actor=world.district_admin, admission=request, action="return", comment="请补充依据")
    assert waiting_for(world, request) == {"town_staff"}
    done = inbox.done_items(world.district_admin).get()
    assert done.action == "return" and done.action_label == "退回补充" and done.closed_by == world.district_admin
    # when the town resubmits and it is rejected, nobody waits any more
    services.admission_move(actor=world.town_staff, admission=request, action="submit")
    services.admission_move(actor=world.district_admin, admission=request, action="reject", comment="不予准入")
    assert waiting_for(world, request) == set()
    assert inbox.done_items(world.town_staff).count() == 1
    assert WorkItem.objects.filter(object_id=str(request.pk), closed_at__isnull=True).count() == 0


def test_agreement_waits_for_party_b_then_party_a(world):
    from zhengshe.agreements import services
    from zhengshe.agreements.tests.conftest import make_assisted_list

    make_assisted_list(world.county_a)
    template = services.template_create(actor=world.town_staff, region=world.town_a1, year=2026, instalment_plan=[
        {"label": "全额", "percent": "100", "due": "2026-06-30"}])
    services.drafting_start(actor=world.town_staff, template=template)
    from zhengshe.agreements.models import Agreement

    agreement = Agreement.objects.get(template=template, party_b=world.village_a1x)
    assert waiting_for(world, agreement) == set()  # a draft waits for no one
    # when the town opens negotiation, village A1x's committee has it, its sibling village does not
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    assert waiting_for(world, agreement) == {"village_staff"}
    # when the committee has signed, it waits for the town (town B1 never sees it)
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张村长",
                                        seal_number="村章-001")
    assert waiting_for(world, agreement) == {"town_staff"}
    assert inbox.done_items(world.village_staff).filter(action="sign_b").exists()


def test_an_object_created_in_a_waiting_state_opens_its_items(world):
    # given a report created as a draft for organization A (no move yet)
    from zhengshe.organizations.models import AnnualReport

    report = AnnualReport.objects.create(organization=world.org_a, year=2025, deadline=datetime.date(2026, 5, 31))
    # then organization A's account has it, organization B's does not
    assert waiting_for(world, report) == {"org_user"}
    item = inbox.open_items(world.org_user).get()
    assert item.deadline == datetime.date(2026, 5, 31)
    # and the organization's user got an in-app notice that work arrived (shown on the inbox page), B's did not
    assert Notification.objects.filter(user=world.org_user, item=item, kind="arrived").exists()
    assert not Notification.objects.filter(user=world.org_user_b).exists()
    assert "新待办" in [n.message[:3] for n in inbox.unread_notifications(world.org_user)]


# --- rebuild and reminders -------------------------------------------------------------------------------------


def test_rebuild_recomputes_the_open_items_from_current_states(world):
    request = f.admission(world)
    before = set(WorkItem.objects.filter(closed_at__isnull=True).values_list("object_id", "role", "region_path"))
    WorkItem.objects.all().delete()
    counts = inbox.rebuild()
    after = set(WorkItem.objects.filter(closed_at__isnull=True).values_list("object_id", "role", "region_path"))
    assert after == before and (str(request.pk), "district_admin", world.county_a.path) in after
    assert counts["catalog.admission"] == 1
    inbox.rebuild()  # again: no duplicates
    assert WorkItem.objects.filter(closed_at__isnull=True).count() == len(before)


def test_daily_reminder_notifies_the_holders_once_a_day(world):
    from zhengshe.organizations.models import AnnualReport

    today = timezone.localdate()
    AnnualReport.objects.create(organization=world.org_a, year=2025, deadline=today + datetime.timedelta(days=2))
    AnnualReport.objects.create(organization=world.org_b, year=2025, deadline=today + datetime.timedelta(days=30))
    assert inbox.remind() == 1
    note = Notification.objects.get(kind="due")
    assert note.user == world.org_user and "到期" in note.message
    assert inbox.remind() == 0  # once a day


# --- pages -----------------------------------------------------------------------------------------------------


def _bulk_items(world, n, *, role="town_staff", region=None, deadline=None):
    region = region or world.village_a1x
    ctype = ContentType.objects.get_for_model(type(region))
    now = timezone.now()
    WorkItem.objects.bulk_create([
        WorkItem(content_type=ctype, object_id=str(10_000 + i), workflow="test", state="submitted",
                 state_label="已提交", title=f"测试事项{i}", url="/", role=role, region_path=region.path,
                 deadline=deadline, opened_at=now) for i in range(n)])


@pytest.mark.parametrize("n", [3, 120])
def test_inbox_page_has_one_query_budget_whatever_the_number_of_items(world, client_for, n):
    _bulk_items(world, n, deadline=timezone.localdate() - datetime.timedelta(days=4))
    client = client_for(world.town_staff)
    client.get(reverse("dashboards:home"))  # signed in, session warm
    with assert_max_queries(8):
        response = client.get(reverse("core:inbox"))
    body = response.content.decode()
    assert response.status_code == 200 and "测试事项0" in body and "逾期 4 天" in body
    assert f'data-testid="todo-count">{n}<' in body


def test_home_opens_on_the_inbox_with_a_sibling_towns_work_kept_out(world, client_for):
    _bulk_items(world, 2)
    _bulk_items(world, 1, region=world.village_b1x)
    client = client_for(world.town_staff)
    client.get(reverse("core:inbox"))  # signed in, session warm
    with assert_max_queries(12):
        mine = client.get(reverse("dashboards:home")).content.decode()
    theirs = client_for(world.town_staff_b).get(reverse("dashboards:home")).content.decode()
    assert "待办" in mine and 'data-testid="todo-count">2<' in mine
    assert 'data-testid="todo-count">1<' in theirs


def test_organization_user_home_shows_its_organization_not_no_scope(world, client_for):
    body = client_for(world.org_user).get(reverse("dashboards:home")).content.decode()
    assert world.org_a.name in body and "尚未被授予" not in body


def test_done_tab_lists_what_the_user_closed(world, client_for):
    from zhengshe.catalog import services

    request = f.admission(world)
    services.admission_move(actor=world.district_admin, admission=request, action="return", comment="请补充")
    body = client_for(world.district_admin).get(reverse("core:inbox") + "?tab=done").content.decode()
    assert request.title in body and "退回补充" in body
    assert request.title not in client_for(world.district_admin_b).get(
        reverse("core:inbox") + "?tab=done").content.decode()
