"""People pickers: a panel's scorer is picked by name within a role group, from the manager's scope only."""

from django.urls import reverse

from zhengshe.accounts.models import RoleAssignment
from zhengshe.evaluation.models import Panelist
from zhengshe.testing import make_user


def test_people_lookup_by_name_grouped_by_role_and_scoped(world, client_for):
    make_user("expert_b", "expert", region=world.county_b)
    url = reverse("accounts:people_lookup")
    # when county A's administrator searches "expert", only county A's expert comes, under its role
    rows = client_for(world.district_admin).get(url, {"q": "expert", "role": "expert"}).json()["results"]
    assert [(r["label"], r["group"]) for r in rows] == [("expert_a（expert_a） · 甲县", "专家/评估员")]
    # and the other county's administrator never finds county A's expert
    rows = client_for(world.district_admin_b).get(url, {"q": "expert"}).json()["results"]
    assert [r["label"] for r in rows] == ["expert_b（expert_b） · 乙县"]
    # a town worker finds the county's experts working over her town, not the sibling town's worker
    labels = [r["label"] for r in client_for(world.town_staff).get(url, {"q": "town"}).json()["results"]]
    assert labels == ["town_a1（town_a1） · 甲县1镇"]


def test_panel_form_picks_people_instead_of_typed_usernames(world, client_for):
    from zhengshe.evaluation.tests.factories import build

    ns = build(world, publish=False)  # a round still in scoring: scorers may be added
    client = client_for(world.district_admin)
    url = reverse("evaluation:panel", args=[ns.round.pk])
    text = client.get(url).content.decode()
    # the scorer is a grouped picker: role groups, "name（account）· region", no typed username
    assert '<optgroup label="专家/评估员">' in text and "expert_a（expert_a） · 甲县</option>" in text
    assert 'name="username"' not in text and "乙县" not in text
    # choosing the county's leader adds him to the panel
    grant = RoleAssignment.objects.get(user=world.leader)
    assert client.post(url, {"user": grant.pk, "kind": "panel"}).status_code == 302
    assert Panelist.objects.filter(round=ns.round, user=world.leader).exists()
    # another county's person, posted by id, is refused in Chinese
    other = RoleAssignment.objects.get(user=world.town_staff_b)
    text = client.post(url, {"user": other.pk, "kind": "panel"}).content.decode()
    assert "所选人员不存在，或不在您的范围内。" in text
    assert not Panelist.objects.filter(round=ns.round, user=world.town_staff_b).exists()


def test_people_lookup_query_budget(world, client_for):
    from zhengshe.testing import assert_max_queries

    client = client_for(world.district_admin)
    client.get(reverse("accounts:people_lookup"))  # session and grants warm
    with assert_max_queries(4):
        assert client.get(reverse("accounts:people_lookup"), {"q": "a"}).json()["results"]
