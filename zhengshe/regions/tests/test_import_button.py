"""The region import page is reached from the region list by whoever may import, and only by them."""

from django.urls import reverse


def test_region_list_offers_import_to_the_district_administrator_only(world, client_for):
    url, target = reverse("regions:list"), reverse("regions:import")
    # when the district administrator opens the region list, then the import button is there
    assert f'href="{target}"' in client_for(world.district_admin).get(url).content.decode()
    # and a town or village worker, or a leader, who may not import, is not offered it
    for user in (world.town_staff, world.village_staff, world.leader):
        assert f'href="{target}"' not in client_for(user).get(url).content.decode()
