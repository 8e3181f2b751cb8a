"""The home page of an account bound to an organization or a residents' council names it and shows its work."""

from django.urls import reverse

from zhengshe.agreements import services
from zhengshe.testing import assert_max_queries


def _card(body: str) -> str:
    return body.split('data-testid="bound-target"', 1)[1].split("</section>", 1)[0]


def test_organization_user_home_names_the_organization_with_its_pages(world, client_for):
    client = client_for(world.org_user)
    client.get(reverse("dashboards:home"))
    # when the organization's account opens its home page
    with assert_max_queries(14):
        body = client.get(reverse("dashboards:home")).content.decode()
    # then a card names the organization (linked), its kind and region, and the pages of its work; the inbox follows
    card = _card(body)
    assert f'<a href="{world.org_a.get_absolute_url()}">{world.org_a.name}</a>' in card
    assert "社会组织 · 甲县" in card and reverse("organizations:report_list") in card
    assert "我的工作" in body and "尚未被授予" not in body


def test_council_representative_home_names_the_council_and_its_waiting_agreement(world, client_for, council_world):
    # given the council's 2+1 agreement put to negotiation (it waits for party B, the council)
    agreement = services.agreement_transition(actor=world.village_staff, agreement=council_world["first"],
                                              action="submit")
    # when the representative opens the home page
    body = client_for(council_world["rep"]).get(reverse("dashboards:home")).content.decode()
    # then the council is named with its kind and its agreements, and the agreement is in 待办
    card = _card(body)
    assert "一组理事会" in card and "居民自治理事会" in card
    assert reverse("agreements:list") in card
    assert f'href="{agreement.get_absolute_url()}"' in body and 'data-testid="todo-count">1<' in body
    assert "尚未被授予" not in body and "二组理事会" not in body
