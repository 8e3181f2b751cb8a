"""Registry: registering, filing, profile edits and change review, credit-code override, status, branches."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zhengshe.audit.models import AuditEntry
from zhengshe.core.errors import NotAllowed

from .. import services
from ..choices import ChangeStatus
from ..credit_code import make_credit_code
from ..models import ChangeRequest, Organization
from . import factories as f


def _edit_post(org, **changes):
    from ..forms import PROFILE_FIELDS, REGISTRY_FIELDS

    data = {}
    for name in REGISTRY_FIELDS + PROFILE_FIELDS:
        value = getattr(org, name)
        if name == "region":
            value = org.region.code
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif value is None:
            value = ""
        data[name] = value
    data.update(version=org.version, service_region_codes="", override_reason="", change_reason="更名")
    for key, value in changes.items():
        data[key] = value
    return {k: v for k, v in data.items() if v != ""} | {k: "" for k, v in data.items() if v == ""}


def test_org_user_cannot_change_registered_name_without_review(world, org_a, client_for):
    client = client_for(world.org_user)
    response = client.post(f"/organizations/{org_a.pk}/edit/", _edit_post(org_a, name="甲县新名称社工中心", volunteers=88))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.name == "甲县社工服务中心"  # unchanged until reviewed
    assert org_a.volunteers == 88  # non-registered facts apply directly
    change = ChangeRequest.objects.get(organization=org_a)
    assert change.status == ChangeStatus.PENDING and change.changes == {"name": "甲县新名称社工中心"}
    # A service call straight from the organization cannot bypass the review either.
    from zhengshe.core.errors import ServiceError

    with pytest.raises(ServiceError):  # a second request waits for the first; nothing is applied meanwhile
        services.organization_update(actor=world.org_user, org=org_a, data={"name": "绕过审核"}, version=None)
    org_a.refresh_from_db()
    assert org_a.name == "甲县社工服务中心"
    # The registering office approves: only then the name changes, with history.
    admin = client_for(world.district_admin)
    response = admin.post(f"/organizations/changes/{change.pk}/", {"action": "approve", "comment": "材料齐全"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.name == "甲县新名称社工中心"
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == world.district_admin


def test_org_user_cannot_approve_own_change(world, org_a):
    change = services.change_request_submit(actor=world.org_user, org=org_a, changes={"name": "新名"})
    with pytest.raises(NotAllowed):
        services.change_request_decide(actor=world.org_user, change=change, action="approve")
    with pytest.raises(NotAllowed):
        services.change_request_decide(actor=world.town_staff, change=change, action="approve")


def test_rejected_change_leaves_the_register_alone(world, org_a):
    change = services.change_request_submit(actor=world.org_user, org=org_a, changes={"legal_representative": "孙某"})
    services.change_request_decide(actor=world.district_admin, change=change, action="reject", comment="材料不全")
    org_a.refresh_from_db()
    assert org_a.legal_representative == "赵代表"


def _data(world, **kw):
    data = dict(name="甲县助老服务中心", credit_code=make_credit_code("2", "320581", 42), org_type="service_institution",
                category="community_service", registration_kind="registered", registration_level="county",
                registration_authority="甲县民政局", region=world.town_a1, registered_on=date(2020, 1, 2))
    data.update(kw)
    return data


def test_bad_credit_code_blocks_unless_an_administrator_overrides_with_a_reason(world):
    code = make_credit_code("2", "320581", 42)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError):
        services.organization_create(actor=world.district_admin, data=_data(world, credit_code=wrong))
    org = services.organization_create(actor=world.district_admin, data=_data(world, credit_code=wrong),
                                       override_reason="已核发的历史代码，见登记证书")
    assert org.credit_code_override
    event = AuditEntry.objects.get(action="organizations.credit_code_override")
    assert event.after["reason"] == "已核发的历史代码，见登记证书"


def test_format_errors_cannot_be_overridden(world):
    with pytest.raises(ValidationError):
        services.organization_create(actor=world.district_admin, data=_data(world, credit_code="91350100m000100y43"),
                                     override_reason="试图放行")


def test_town_files_community_organizations_with_a_system_number(world):
    org = services.organization_create(actor=world.town_staff, data=_data(
        world, name="甲1x编织队", credit_code="", org_type="community", category="culture_sports",
        registration_kind="filed", registration_level="town", region=world.village_a1x))
    assert org.filing_number.startswith("BA320581100")
    with pytest.raises(NotAllowed):
        services.organization_create(actor=world.town_staff, data=_data(world))  # registration is for the bureau


def test_duplicate_credit_code_refused(world):
    services.organization_create(actor=world.district_admin, data=_data(world))
    with pytest.raises(ValidationError):
        services.organization_create(actor=world.district_admin, data=_data(world, name="另一个"))


def test_status_moves_keep_history_and_need_a_reason(world, client_for):
    org = f.org(world.town_a1)
    client = client_for(world.district_admin)
    client.post(f"/organizations/{org.pk}/status/suspend/", {"comment": ""})
    org.refresh_from_db()
    assert org.status == "active"
    client.post(f"/organizations/{org.pk}/status/suspend/", {"comment": "未按期换届"})
    org.refresh_from_db()
    assert org.status == "suspended"
    page = client.get(org.get_absolute_url()).content.decode()
    assert "未按期换届" in page
    # Outsiders cannot move it (404, not even a hint).
    other = client_for(world.district_admin_b)
    assert other.post(f"/organizations/{org.pk}/status/resume/", {"comment": "x"}).status_code == 404


def test_branches_are_recorded_by_the_social_group_itself(world, org_a, client_for):
    client = client_for(world.org_user)
    response = client.post(f"/organizations/{org_a.pk}/branches/new/", {"name": "甲县社工服务中心青少年分会",
                                                                        "kind": "branch"})
    assert response.status_code == 302
    assert org_a.branches.count() == 1
    filed = f.org(world.village_a1x, org_type="community", registration_kind="filed")
    from zhengshe.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.branch_save(actor=world.district_admin, org=filed, data={"name": "x"})


def test_contact_phone_is_masked_for_other_staff(world, client_for):
    org = f.org(world.village_a1x)
    page = client_for(world.village_staff).get(org.get_absolute_url()).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    admin = client_for(world.district_admin)
    assert "13912345678" not in admin.get(org.get_absolute_url()).content.decode()
    assert admin.post(f"/organizations/{org.pk}/reveal/", {"reason": ""}).status_code == 302  # a reason is required
    shown = admin.post(f"/organizations/{org.pk}/reveal/", {"reason": "核实年检联系人"})
    assert "13912345678" in shown.content.decode() and shown["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="organizations.reveal_contact", object_id=str(org.pk)).exists()
    assert client_for(world.village_staff).post(f"/organizations/{org.pk}/reveal/", {"reason": "x"}).status_code == 403


def test_stale_version_is_refused(world, org_a):
    from zhengshe.core.errors import ConflictError

    services.organization_update(actor=world.district_admin, org=org_a, data={"volunteers": 5}, version=org_a.version)
    with pytest.raises(ConflictError):
        services.organization_update(actor=world.district_admin, org=org_a, data={"volunteers": 6},
                                     version=org_a.version)
    assert Organization.objects.get(pk=org_a.pk).volunteers == 5


def test_change_of_address_approved_for_an_organization_with_an_overridden_code(world):
    code = make_credit_code("2", "320581", 43)
    issued = code[:17] + ("0" if code[17] != "0" else "1")
    org = services.organization_create(actor=world.district_admin, data=_data(world, credit_code=issued),
                                       override_reason="历史代码")
    from zhengshe.accounts.models import RoleAssignment
    from zhengshe.testing import make_user

    user = make_user("org_override", "org_user", target=org)
    assert RoleAssignment.objects.filter(user=user).exists()
    change = services.change_request_submit(actor=user, org=org, changes={"address": "新地址1号"})
    services.change_request_decide(actor=world.district_admin, change=change, action="approve")
    org.refresh_from_db()
    assert org.address == "新地址1号" and org.credit_code == issued


def test_registry_filters_by_credit_list(world, client_for):
    listed = f.org(world.town_a1, name="甲县名录内协会")
    f.org(world.town_a1, name="甲县守信协会")
    f.credit(listed)
    page = client_for(world.district_admin).get("/organizations/", {"credit": "abnormal"}).content.decode()
    assert "甲县名录内协会" in page and "甲县守信协会" not in page
