"""The admission gate as each role: applicant, reviewer, outsider, the villages that see the register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhengshe.audit.models import AuditEntry
from zhengshe.catalog import selectors, services
from zhengshe.catalog.models import AdmissionRequest, BurdenItem
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.workflows import history

from . import factories as f

pytestmark = pytest.mark.django_db


def test_town_worker_applies_district_approves_for_two_villages(world):
    request = f.admission(world, regions=[world.village_a1x, world.village_a1y, world.village_a1z])
    assert request.status == "submitted" and request.issuing_region == world.county_a
    assert request.department == "甲县1镇社会事业局"
    approved = f.admission(world, title="第二份", approve=True,
                           approved_regions=[world.village_a1x, world.village_a1y])
    assert approved.status == "approved" and approved.register_number.startswith("甲县准入〔")
    assert list(selectors.admitted_for_region(world.village_a1x)) == [approved]
    assert list(selectors.admitted_for_region(world.village_a1y)) == [approved]
    assert list(selectors.admitted_for_region(world.village_a1z)) == []
    # each approved village's burden registry gets the ledger
    assert BurdenItem.objects.filter(admission=approved).count() == 2
    # every step is in the audit trail and the history the applicant sees
    actions = [h.action for h in history(approved)]
    assert actions == ["submit", "approve"]
    events = set(AuditEntry.objects.filter(object_id=str(approved.pk), object_type="catalog.admissionrequest")
                 .values_list("action", flat=True))
    assert {"catalog.admission.create", "catalog.admission.submit", "catalog.admission.approve",
            "catalog.admission.register"} <= events


def test_applicant_cannot_approve_own_request(world):
    today = timezone.localdate()
    own = services.admission_create(actor=world.district_admin, kind="task", title="县级部门自己的申请",
                                    department="甲县民政局", content="c", legal_basis="b", target_mode="subtree",
                                    target_root=world.town_a1, requested_from=today,
                                    requested_until=today + timedelta(days=30))
    services.admission_move(actor=world.district_admin, admission=own, action="submit")
    with pytest.raises(ServiceError) as exc:
        services.admission_approve(actor=world.district_admin, admission=own, mode="subtree", root=world.town_a1,
                                   valid_from=today, valid_until=today)
    assert "申请人不能审核自己的申请" in exc.value.message
    own.refresh_from_db()
    assert own.status == "submitted"


def test_roles_that_may_not_review_or_apply(world):
    request = f.admission(world)
    for outsider in (world.town_staff, world.village_staff, world.district_admin_b, world.leader):
        with pytest.raises(ServiceError):  # NotAllowed is a ServiceError
            services.admission_move(actor=outsider, admission=request, action="reject", comment="不行")
    with pytest.raises(NotAllowed):
        services.admission_create(actor=world.village_staff, kind="task", title="t", content="c", legal_basis="b",
                                  target_mode="list", requested_from=timezone.localdate(),
                                  requested_until=timezone.localdate(), regions=[world.village_a1x])
    with pytest.raises(ServiceError):  # reviewers must give reasons to return or reject
        services.admission_move(actor=world.district_admin, admission=request, action="reject", comment="")


def test_return_edit_resubmit_then_reject(world):
    request = f.admission(world)
    returned = services.admission_move(actor=world.district_admin, admission=request, action="return",
                                       comment="请补充法律依据")
    assert returned.status == "returned" and returned.decision_comment == "请补充法律依据"
    with pytest.raises(NotAllowed):
        services.admission_update(actor=world.district_admin, admission=returned, version=returned.version,
                                  legal_basis="x")
    updated = services.admission_update(actor=world.town_staff, admission=returned, version=returned.version,
                                        legal_basis="《中华人民共和国安全生产法》第七十七条、第七十九条",
                                        regions=[world.village_a1x])
    with pytest.raises(ServiceError):  # a stale form is refused
        services.admission_update(actor=world.town_staff, admission=updated, version=returned.version, title="x")
    services.admission_move(actor=world.town_staff, admission=updated, action="submit")
    rejected = services.admission_move(actor=world.district_admin, admission=updated, action="reject",
                                       comment="属于村民自治范围")
    assert rejected.status == "rejected"
    assert [h.action for h in history(rejected)] == ["submit", "return", "submit", "reject"]
    assert list(selectors.admitted_for_region(world.village_a1x)) == []


def test_request_outside_the_applicants_area_is_refused(world):
    today = timezone.localdate()
    with pytest.raises(ServiceError) as exc:  # a town department asks only for its own town's communities
        services.admission_create(actor=world.town_staff, kind="task", title="t", content="c", legal_basis="b",
                                  target_mode="list", requested_from=today, requested_until=today,
                                  regions=[world.village_a2x])
    assert "target_regions" in exc.value.fields
    with pytest.raises(ServiceError) as exc:
        services.admission_create(actor=world.town_staff, kind="ledger", subtype="paper", title="t", content="c",
                                  legal_basis="b", target_mode="list", requested_from=today, requested_until=today,
                                  regions=[world.village_b1x])
    assert "target_regions" in exc.value.fields
    with pytest.raises(ServiceError) as exc:
        services.admission_create(actor=world.town_staff, kind="ledger", subtype="", title="t", content="c",
                                  legal_basis="b", target_mode="list", requested_from=today, requested_until=today,
                                  regions=[world.village_a1x])
    assert "subtype" in exc.value.fields


def test_village_worker_cannot_see_another_towns_requests(world):
    f.admission(world, title="甲县1镇的申请")
    assert AdmissionRequest.objects.restrict(world.town_staff).count() == 1
    assert AdmissionRequest.objects.restrict(world.district_admin).count() == 1
    assert AdmissionRequest.objects.restrict(world.village_staff).count() == 0
    assert AdmissionRequest.objects.restrict(world.town_staff_b).count() == 0
    assert AdmissionRequest.objects.restrict(world.district_admin_b).count() == 0


def test_register_subtree_scope_validity_and_revocation(world):
    today = timezone.localdate()
    request = f.admission(world, kind="signboard", subtype="inside", title="内部挂牌")
    approved = services.admission_approve(actor=world.district_admin, admission=request, mode="subtree",
                                          root=world.town_a1, valid_from=today, valid_until=today + timedelta(days=5))
    names = {r.title for r in selectors.register_for_user(world.sibling_staff)}
    assert names == {"内部挂牌"}
    assert list(selectors.register_for_user(world.town_staff_b)) == []
    assert list(selectors.admitted_for_region(world.village_a2x)) == []
    assert list(selectors.admitted_for_region(world.village_a1z, on_date=today + timedelta(days=6))) == []
    assert BurdenItem.objects.filter(admission=approved, state="kept").count() == 3
    revoked = services.admission_move(actor=world.district_admin, admission=approved, action="revoke", comment="停止")
    assert revoked.status == "revoked"
    assert list(selectors.admitted_for_region(world.village_a1x)) == []
    assert BurdenItem.objects.filter(admission=approved, state="removed").count() == 3


def test_approval_needs_scope_and_validity(world):
    request = f.admission(world)
    today = timezone.localdate()
    with pytest.raises(ServiceError) as exc:
        services.admission_approve(actor=world.district_admin, admission=request, mode="list", regions=[],
                                   valid_from=today, valid_until=today - timedelta(days=1))
    assert {"approved_regions", "valid_until"} <= set(exc.value.fields)
    request.refresh_from_db()
    assert request.status == "submitted"
