"""Separation of duties (STANDARDS §4.8) and the user-management pages (list in scope, create, grant/revoke,
deactivate — never delete), every permission change an audit event."""

import pytest
from django.urls import reverse

from zhengshe.accounts import services
from zhengshe.accounts.models import RoleAssignment, User
from zhengshe.accounts.roles import Role
from zhengshe.audit.models import AuditEntry
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.testing import make_user


@pytest.mark.parametrize("holder, second", [
    ("sys_admin", Role.SECURITY_ADMIN), ("sys_admin", Role.AUDIT_ADMIN), ("audit_admin", Role.SECURITY_ADMIN),
    ("audit_admin", Role.SYS_ADMIN),
])
def test_no_user_holds_two_of_the_three_administrator_roles(world, holder, second):
    target = getattr(world, holder)
    with pytest.raises(ServiceError) as exc:
        services.role_grant(actor=world.security_admin, user=target, role=second, region=world.county_a)
    assert "职责分离" in exc.value.message
    # The model refuses it too (the Django admin path goes through full_clean).
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        RoleAssignment(user=target, role=second, region=world.county_a).full_clean()


def test_a_security_admin_cannot_grant_themselves(world):
    with pytest.raises(NotAllowed):
        services.role_grant(actor=world.security_admin, user=world.security_admin, role=Role.LEADER,
                            region=world.county_a)


@pytest.mark.parametrize("actor", ["sys_admin", "audit_admin", "district_admin", "town_staff"])
def test_only_the_security_admin_grants_roles(world, actor):
    with pytest.raises(NotAllowed):
        services.role_grant(actor=getattr(world, actor), user=world.nobody, role=Role.VILLAGE_STAFF,
                            region=world.village_a1x)
    assert not RoleAssignment.objects.filter(user=world.nobody).exists()


def test_security_admin_grants_within_their_subtree_only_and_it_is_audited(world):
    grant = services.role_grant(actor=world.security_admin, user=world.nobody, role=Role.VILLAGE_STAFF,
                                region=world.village_a1x, department="甲县1镇1村村委会")
    entry = AuditEntry.objects.get(action="accounts.role_grant")
    assert entry.after["role"] == "village_staff" and entry.after["region"] == world.village_a1x.code
    assert entry.actor_name == world.security_admin.username
    assert grant.granted_by == world.security_admin and grant.department == "甲县1镇1村村委会"
    with pytest.raises(NotAllowed):  # county B is outside county A's security administrator
        services.role_grant(actor=world.security_admin, user=world.nobody, role=Role.VILLAGE_STAFF,
                            region=world.village_b1x)


def test_sys_admin_cannot_read_the_audit_log(world, client_for):
    from zhengshe.audit.services import record_event

    record_event("test.event", world.village_a1x, object_repr="SYS-CANNOT-SEE")
    client = client_for(world.sys_admin)
    assert client.get(reverse("audit:list")).status_code == 403
    api = client.get("/api/audit/")
    assert api.status_code in (200, 403) and "SYS-CANNOT-SEE" not in api.content.decode()
    assert AuditEntry.objects.restrict(world.sys_admin).count() == 0
    assert AuditEntry.objects.restrict(world.security_admin).count() == 0
    assert client_for(world.security_admin).get(reverse("audit:list")).status_code == 403


def test_audit_admin_reads_the_log_but_cannot_grant_or_manage_users(world, client_for):
    client = client_for(world.audit_admin)
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.post(reverse("accounts:user_detail", args=[world.nobody.pk]), {"role": "leader"}).status_code == 403


def test_user_list_shows_only_the_managers_subtree(world, client_for):
    response = client_for(world.security_admin).get(reverse("accounts:user_list"))
    text = response.content.decode()
    assert world.village_staff.username in text and world.district_admin.username in text
    assert world.district_admin_b.username not in text and world.town_staff_b.username not in text
    assert world.org_user.username in text  # org_a is registered in county A


def test_user_list_filters_by_role(world, client_for):
    response = client_for(world.security_admin).get(reverse("accounts:user_list"), {"role": "expert"})
    text = response.content.decode()
    assert world.expert.username in text and world.village_staff.username not in text


def test_create_grant_revoke_deactivate_through_the_pages(world, client_for):
    client = client_for(world.security_admin)
    # Create
    response = client.post(reverse("accounts:user_create"), {
        "username": "xiaoli", "display_name": "小李", "phone": "13812345678", "password": "Qing-Shan#58",
        "region_code": world.village_a1y.code})
    assert response.status_code == 302
    user = User.objects.get(username="xiaoli")
    assert user.home_region == world.village_a1y and user.must_change_password
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), action="create").exists()
    created = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk), action="create")
    assert created.after["password"] == "******"
    # A fresh account without grants is still in the manager's list (by its home region).
    assert "xiaoli" in client.get(reverse("accounts:user_list")).content.decode()
    # Grant with a department
    response = client.post(reverse("accounts:user_detail", args=[user.pk]), {
        "role": "village_staff", "region_code": world.village_a1y.code, "department": "甲县1镇2村村委会"})
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=user, active=True)
    assert grant.department == "甲县1镇2村村委会"
    # Revoke: the row stays, inactive
    assert client.post(reverse("accounts:role_revoke", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.active is False
    assert AuditEntry.objects.filter(action="accounts.role_revoke", object_id=str(grant.pk)).exists()
    # Deactivate needs a reason; the account is kept
    client.post(reverse("accounts:user_set_active", args=[user.pk]), {"active": "0", "reason": ""})
    user.refresh_from_db()
    assert user.is_active
    client.post(reverse("accounts:user_set_active", args=[user.pk]), {"active": "0", "reason": "调离岗位"})
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(pk=user.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.user_deactivate")
    assert entry.after == {"is_active": False, "reason": "调离岗位"}


def test_deactivated_users_are_signed_out_and_cannot_sign_in(world, client_for, sign_in):
    victim_client = client_for(world.village_staff)
    assert victim_client.get(reverse("dashboards:home")).status_code == 200
    services.user_set_active(actor=world.security_admin, user=world.village_staff, active=False, reason="离职")
    assert victim_client.get(reverse("dashboards:home")).status_code == 302
    _c, response = sign_in(world.village_staff)
    assert "用户名或密码不正确" in response.content.decode()


def test_sys_admin_manages_accounts_but_sees_no_grant_form(world, client_for):
    client = client_for(world.sys_admin)
    page = client.get(reverse("accounts:user_detail", args=[world.village_staff.pk]))
    assert page.status_code == 200 and "授予角色" not in page.content.decode()
    assert client.post(reverse("accounts:user_detail", args=[world.village_staff.pk]),
                       {"role": "leader", "region_code": world.county_a.code}).status_code == 403


def test_password_reset_by_admin_forces_a_change(world, client_for):
    client = client_for(world.security_admin)
    client.post(reverse("accounts:user_password_reset", args=[world.village_staff.pk]), {"password": "Temp#2026pass"})
    world.village_staff.refresh_from_db()
    assert world.village_staff.check_password("Temp#2026pass") and world.village_staff.must_change_password
    assert AuditEntry.objects.filter(action="accounts.password_reset").exists()


def test_user_list_query_budget(world, client_for):
    from zhengshe.testing import assert_max_queries

    client = client_for(world.security_admin)
    client.get(reverse("accounts:user_list"))
    with assert_max_queries(10) as small:
        client.get(reverse("accounts:user_list"))
    for i in range(20):
        make_user(f"extra{i}", "village_staff", region=world.village_a1z)
    with assert_max_queries(len(small.captured_queries)):
        client.get(reverse("accounts:user_list"))


def test_no_delete_anywhere(world, client_for):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("accounts:user_delete", args=[1])
