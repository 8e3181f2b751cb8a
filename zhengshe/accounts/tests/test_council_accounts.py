"""Giving a residents' council (居民自治理事会, "2+1" party B) its account from the user-management pages: the
council is chosen on the grant form among the councils inside the security administrator's subtree only; a council
elsewhere is a form error (never a 500); the grant is audited; the role reads in English when English is chosen."""

import pytest
from django.urls import reverse
from django.utils import translation

from zhengshe.accounts import services
from zhengshe.accounts.forms import RoleGrantForm
from zhengshe.accounts.models import RoleAssignment, User
from zhengshe.accounts.roles import Role
from zhengshe.agreements import services as agreement_services
from zhengshe.agreements.models import Agreement
from zhengshe.agreements.tests.conftest import YEAR, make_assisted_list
from zhengshe.audit.models import AuditEntry
from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope
from zhengshe.testing import make_user

NEW_PASSWORD = "Qiu7!Lantern%Bay"
COUNCIL_ITEMS = [("C01", "协助组织楼道环境整治", "fixed", 2000), ("C02", "协助开展邻里纠纷排查", "fixed", 1000)]


@pytest.fixture
def council_agreement(world):
    """Village A1x's council with a drafted 2+1 agreement (no account yet)."""
    make_assisted_list(world.county_a, kind="council", items=COUNCIL_ITEMS)
    council = agreement_services.council_create(actor=world.village_staff, region=world.village_a1x,
                                                name="新湖一组理事会")
    template = agreement_services.template_create(actor=world.village_staff, region=world.village_a1x, year=YEAR,
                                                  kind="council")
    agreement_services.drafting_start(actor=world.village_staff, template=template)
    return Agreement.objects.get(council=council)


@pytest.fixture
def foreign_council(world):
    """A council of county B: outside county A's security administrator."""
    return agreement_services.council_create(actor=world.town_staff_b, region=world.village_b1x, name="乙县理事会")


def _create_account(client, world):
    response = client.post(reverse("accounts:user_create"), {
        "username": "xinhu_council", "display_name": "吴桂英", "password": "Start#Pass2026",
        "region_code": world.village_a1x.code})
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username="xinhu_council")


def test_security_admin_gives_a_council_its_account_and_the_rep_sees_its_agreement(
        world, client_for, sign_in, council_agreement):
    # Given county A's security administrator (user management and grants are theirs, not the district admin's)
    admin = client_for(world.security_admin)
    council = council_agreement.council
    new_user = _create_account(admin, world)
    # The grant form offers the council of their county
    page = admin.get(reverse("accounts:user_detail", args=[new_user.pk])).content.decode()
    assert f'value="{council.pk}"' in page and "新湖一组理事会" in page
    # When they grant 居民自治理事会代表 for it
    response = admin.post(reverse("accounts:user_detail", args=[new_user.pk]),
                          {"role": Role.COUNCIL_REP, "target_council": council.pk})
    # Then the grant is made, bound to the council only, and audited like every grant
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=new_user, active=True)
    assert (grant.role, grant.target_kind, grant.target_id) == ("council_rep", "council", council.pk)
    assert grant.region == council.region  # for the managers' scope only: it grants nothing over the village
    assert Scope.for_user(new_user).region_paths({"council_rep"}) == []
    assert grant.granted_by == world.security_admin
    entry = AuditEntry.objects.filter(action="accounts.role_grant").latest("id")
    assert (entry.after["target_kind"], entry.after["target_id"]) == ("council", council.pk) and entry.after["role"] == "council_rep"
    assert entry.actor_name == world.security_admin.username
    # The account's page names the council
    assert "新湖一组理事会" in admin.get(reverse("accounts:user_detail", args=[new_user.pk])).content.decode()
    # When the council's representative signs in (first sign-in changes the password)
    client, response = sign_in(new_user, "Start#Pass2026")
    assert response.status_code == 302
    changed = client.post(reverse("accounts:password_change"), {
        "old_password": "Start#Pass2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302, changed.content.decode()[-3000:]
    # Then they see their council's 2+1 agreement, and nothing of the committee's own
    detail = client.get(reverse("agreements:detail", args=[council_agreement.pk]))
    assert detail.status_code == 200 and "新湖一组理事会" in detail.content.decode()
    listing = client.get(reverse("agreements:list")).content.decode()
    assert "新湖一组理事会" in listing
    # And the security administrator can revoke the grant again (it is inside their subtree)
    response = admin.post(reverse("accounts:role_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.get(pk=grant.pk).active


def test_a_council_of_another_county_is_refused_with_a_form_error(world, client_for, council_agreement,
                                                                   foreign_council):
    admin = client_for(world.security_admin)
    target = make_user("no_role_yet", region=world.village_a1x)
    page = admin.get(reverse("accounts:user_detail", args=[target.pk]))
    assert page.status_code == 200 and "乙县理事会" not in page.content.decode()
    response = admin.post(reverse("accounts:user_detail", args=[target.pk]),
                          {"role": Role.COUNCIL_REP, "target_council": foreign_council.pk})
    assert response.status_code == 200
    assert "该居民自治理事会不存在，或不在您的管理范围内。" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()
    # the service refuses it too, whatever form it comes through
    with pytest.raises(NotAllowed):
        services.role_grant(actor=world.security_admin, user=target, role=Role.COUNCIL_REP, target=foreign_council)
    assert not AuditEntry.objects.filter(action="accounts.role_grant").exists()


@pytest.mark.parametrize("data, error", [
    ({"role": "council_rep"}, "居民自治理事会代表须指定居民自治理事会"),
    ({"role": "council_rep", "target_council": "COUNCIL", "region_code": "320581100001"}, "不另填区划代码"),
    ({"role": "village_staff", "target_council": "COUNCIL", "region_code": "320581100001"},
     "只有居民自治理事会代表可以绑定居民自治理事会"),
    ({"role": "council_rep", "target_council": "not-a-number"}, "该居民自治理事会不存在，或不在您的管理范围内。"),
    ({"role": "org_user"}, "社会组织用户须指定社会组织"),
])
def test_grant_form_rules_for_the_council(world, council_agreement, data, error):
    data = {k: (council_agreement.council_id if v == "COUNCIL" else v) for k, v in data.items()}
    form = RoleGrantForm(data, actor=world.security_admin)
    assert not form.is_valid()
    assert any(error in message for messages in form.errors.values() for message in messages)


@pytest.mark.parametrize("actor", ["town_staff", "district_admin", "village_staff"])
def test_people_who_do_not_manage_users_cannot_grant_a_council_account(world, client_for, council_agreement, actor):
    client = client_for(getattr(world, actor))
    data = {"role": Role.COUNCIL_REP, "target_council": council_agreement.council_id}
    assert client.post(reverse("accounts:user_detail", args=[world.nobody.pk]), data).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    with pytest.raises(NotAllowed):
        services.role_grant(actor=getattr(world, actor), user=world.nobody, role=Role.COUNCIL_REP,
                            target=council_agreement.council)
    assert not RoleAssignment.objects.filter(user=world.nobody).exists()
    # and the form offers them no council at all
    assert not RoleGrantForm(actor=getattr(world, actor)).fields["target_council"].queryset.exists()


def test_council_role_and_grant_strings_read_in_english(world, client_for, council_agreement):
    with translation.override("en"):
        assert str(Role.COUNCIL_REP.label) == "Residents' council representative"
        form = RoleGrantForm({"role": "council_rep"}, actor=world.security_admin)
        assert not form.is_valid()
        assert form.errors["target_council"] == [
            "Residents' council representative: a Residents' self-governance council must be chosen"]
    # and on the page, for an administrator who chose English
    admin = client_for(world.security_admin)
    admin.post(reverse("set_language"), {"language": "en", "next": "/"})
    target = make_user("no_role_yet", region=world.village_a1x)
    page = admin.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert "Residents&#x27; council representative" in page or "Residents' council representative" in page
    assert "居民自治理事会代表" not in page


def test_an_organization_account_is_bound_by_number_and_a_missing_number_is_named(world, client_for):
    """Given a security administrator, when they bind an account to an organization by its number, the grant is
    bound to that organization (its region only for the managers); a number that does not exist is named."""
    admin = client_for(world.security_admin)
    target = make_user("org_new", region=world.county_a)
    url = reverse("accounts:user_detail", args=[target.pk])
    response = admin.post(url, {"role": Role.ORG_USER, "target_organization": 999999}, follow=True)
    assert "社会组织编号 999999 不存在。" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert admin.post(url, {"role": Role.ORG_USER, "target_organization": world.org_a.pk}).status_code == 302
    grant = RoleAssignment.objects.get(user=target, active=True)
    assert (grant.target_kind, grant.target_id, grant.region) == ("organization", world.org_a.pk, world.org_a.region)
    assert Scope.for_user(target).target_ids("organization", {"org_user"}) == [world.org_a.pk]
    assert world.org_a.name in admin.get(url).content.decode()
