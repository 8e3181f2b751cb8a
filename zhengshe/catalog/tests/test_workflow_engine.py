"""The workflow engine (core.workflows), tried on the catalog's list versions: typed refusals, the transition
hook point, bulk moves all or nothing, after-commit callbacks, and the API's answer to each refusal."""

import pytest
from django.db import connection

from zhengshe.catalog import services
from zhengshe.catalog.choices import ListStatus
from zhengshe.catalog.models import DutyList
from zhengshe.catalog.workflows import LIST_FLOW
from zhengshe.core import workflows as engine
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.models import StatusChange
from zhengshe.core.workflows import Forbidden, GuardFailed, InvalidMove

from . import factories as f

pytestmark = pytest.mark.django_db


def _draft(world, *, kind="duties", items=True):
    """A draft list of county A (one per kind), with one item unless ``items`` is False."""
    f.departments(world)
    duty_list = services.list_create(actor=world.district_admin, region=world.county_a, kind=kind, year=2027,
                                     title=f"甲县{kind}清单（草稿）")
    if items:
        services.item_save(actor=world.district_admin, duty_list=duty_list, number="1", category="社会事务",
                           title="协助开展人口普查", legal_basis="《中华人民共和国村民委员会组织法》第五条",
                           department="甲县民政局", funding_follows=False, funding_basis="none", funding_amount=0)
    return duty_list


@pytest.fixture
def hook():
    """A recording transition hook, registered for one test only."""
    calls = []

    def record(obj, old, new, actor, action):
        calls.append((type(obj).__name__, obj.pk, old, new, actor, action, connection.in_atomic_block))

    engine.on_transition(record)
    yield calls
    engine.TRANSITION_HOOKS.remove(record)


def test_no_such_move_is_an_invalid_move(world):
    published = f.published_list(world)
    with pytest.raises(InvalidMove) as caught:
        LIST_FLOW.transition(published, "publish", actor=world.district_admin)
    assert isinstance(caught.value, ServiceError) and caught.value.code == "invalid_move"
    assert caught.value.status_code == 400 and "已发布" in caught.value.message


def test_no_role_is_forbidden(world):
    draft = _draft(world)
    with pytest.raises(Forbidden) as caught:
        LIST_FLOW.transition(draft, "publish", actor=world.town_staff)
    assert isinstance(caught.value, NotAllowed) and caught.value.status_code == 403
    assert caught.value.message == "您没有执行此操作的权限。"


def test_an_unmet_condition_is_a_guard_failure_with_its_reason(world):
    empty = _draft(world, items=False)
    with pytest.raises(GuardFailed) as caught:
        LIST_FLOW.transition(empty, "publish", actor=world.district_admin)
    assert caught.value.reason == "清单中还没有事项，不能发布。" and caught.value.status_code == 400
    assert DutyList.objects.get(pk=empty.pk).status == ListStatus.DRAFT


def test_why_not_and_refusal_agree(world):
    empty = _draft(world, items=False)
    refusal = LIST_FLOW.refusal(empty, "publish", world.district_admin)
    assert isinstance(refusal, GuardFailed)
    assert LIST_FLOW.why_not(empty, "publish", world.district_admin) == refusal.message
    assert LIST_FLOW.refusal(_draft(world, kind="council"), "publish", world.district_admin) is None


def test_every_move_calls_the_hooks_inside_its_transaction(world, hook):
    draft = _draft(world)
    moved = LIST_FLOW.transition(draft, "publish", actor=world.district_admin)
    assert hook == [("DutyList", moved.pk, ListStatus.DRAFT, ListStatus.PUBLISHED, world.district_admin, "publish",
                     True)]


def test_a_failing_hook_undoes_the_move(world):
    draft = _draft(world)

    def refuse(obj, old, new, actor, action):
        raise ServiceError("收件箱写入失败")

    engine.on_transition(refuse)
    try:
        with pytest.raises(ServiceError, match="收件箱写入失败"):
            LIST_FLOW.transition(draft, "publish", actor=world.district_admin)
    finally:
        engine.TRANSITION_HOOKS.remove(refuse)
    assert DutyList.objects.get(pk=draft.pk).status == ListStatus.DRAFT
    assert not StatusChange.objects.filter(object_id=str(draft.pk), action="publish").exists()


def test_bulk_moves_all_or_none_with_a_history_row_each(world, hook):
    first, second, published = _draft(world), _draft(world, kind="council"), f.published_list(world)
    # one of three cannot move: nothing moves
    with pytest.raises(InvalidMove):
        LIST_FLOW.bulk_transition([first, second, published], "publish", actor=world.district_admin)
    assert set(DutyList.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"draft"}
    hook.clear()
    # all can: all move, each with its history row and its hook call
    moved = LIST_FLOW.bulk_transition(DutyList.objects.filter(pk__in=[first.pk, second.pk]), "publish",
                                      actor=world.district_admin, comment="批量发布")
    assert [m.status for m in moved] == [ListStatus.PUBLISHED] * 2
    rows = StatusChange.objects.filter(action="publish", comment="批量发布")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    assert [c[1] for c in hook] == sorted([first.pk, second.pk])


def test_after_commit_runs_once_the_move_is_committed(world, django_capture_on_commit_callbacks):
    draft = _draft(world)
    seen = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        LIST_FLOW.transition(draft, "publish", actor=world.district_admin, after_commit=lambda obj: seen.append(obj.pk))
        assert seen == []
    assert len(callbacks) == 1 and seen == [draft.pk]


def test_publishing_supersedes_the_old_version_in_the_same_transaction(world):
    v1 = f.published_list(world)
    v2 = services.list_new_version(actor=world.district_admin, source=v1)
    services.list_publish(actor=world.district_admin, duty_list=v2)
    v1.refresh_from_db()
    assert v1.status == ListStatus.SUPERSEDED and v1.superseded_at is not None
    assert StatusChange.objects.filter(object_id=str(v1.pk), action="supersede").count() == 1


def test_an_internal_move_is_never_offered_and_never_reachable_by_its_name(world):
    # given a published list: "supersede" is the publishing service's consequence, not a user's action
    published = f.published_list(world)
    assert "supersede" not in dict(LIST_FLOW.available_actions(published, world.district_admin))
    # when a caller forwards the action name as a generic action view would
    with pytest.raises(InvalidMove):
        LIST_FLOW.transition(published, "supersede", actor=world.district_admin)
    # then it is refused; only a service saying internal=True makes it (and an ordinary move is no internal one)
    assert DutyList.objects.get(pk=published.pk).status == ListStatus.PUBLISHED
    with pytest.raises(InvalidMove):
        LIST_FLOW.transition(_draft(world), "publish", actor=world.district_admin, internal=True)
    moved = LIST_FLOW.transition(published, "supersede", actor=world.district_admin, internal=True)
    assert moved.status == ListStatus.SUPERSEDED
