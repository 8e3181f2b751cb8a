"""The new-round action is offered exactly to those who can use the form: a county or town to organize it in."""

from django.urls import reverse

from zhengshe.evaluation.models import Round


def test_leader_is_not_offered_a_form_with_no_region(world, client_for, templates):
    client = client_for(world.leader)
    # when the leader opens the rounds, then there is no 新建
    assert reverse("evaluation:round_create") not in client.get(reverse("evaluation:round_list")).content.decode()
    # and the form itself (which would list no region) is not served
    assert client.get(reverse("evaluation:round_create")).status_code == 404


def test_town_worker_offered_the_form_can_use_it(world, client_for, templates):
    client = client_for(world.town_staff)
    # given the town worker is offered 新建
    assert reverse("evaluation:round_create") in client.get(reverse("evaluation:round_list")).content.decode()
    # when the form lists her town and she submits it
    form = client.get(reverse("evaluation:round_create")).content.decode()
    assert f'<option value="{world.town_a1.pk}">{world.town_a1.name}（{world.town_a1.code}）</option>' in form
    response = client.post(reverse("evaluation:round_create"), {
        "region": world.town_a1.pk, "year": 2026, "title": "甲县1镇双向评估", "template_committee": templates.committee.pk,
        "bands_text": "优秀 90\n合格 75\n不合格 0", "publicity_days": 7, "min_sample": 30, "residents_weight": 20,
        "missing_rule": "renormalise", "min_coverage": 60, "short_sample_rule": "provisional"})
    # then the round exists
    assert response.status_code == 302
    assert Round.objects.filter(region=world.town_a1, title="甲县1镇双向评估").exists()
