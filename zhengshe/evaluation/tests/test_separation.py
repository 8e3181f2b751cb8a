"""Separation of duties in an evaluation round (issue 12 point 4): closing scoring, publishing and finalizing need at
least two different people, on by default; a round may switch it off only with a recorded, audited reason."""

import pytest
from django.urls import reverse

from zhengshe.audit.models import AuditEntry
from zhengshe.core.errors import ServiceError
from zhengshe.evaluation import services

from .conftest import advance, second_manager

pytestmark = pytest.mark.django_db


def test_the_person_who_closed_scoring_cannot_publish_alone(world, scoring_round, client_for):
    assert scoring_round.separate_duties  # on by default
    round_ = advance(scoring_round, world.district_admin, "close_scoring")
    with pytest.raises(ServiceError, match="职责分离"):
        services.round_transition(actor=world.district_admin, round_=round_, action="publish")
    page = client_for(world.district_admin).get(round_.get_absolute_url()).content.decode()
    assert "/move/publish/" not in page and "须至少由两名不同人员办理" in page
    # a second person publishes
    round_ = advance(round_, second_manager(world), "publish")
    assert round_.status == "publicity"


def test_switching_off_needs_a_recorded_reason(world, scoring_round, client_for):
    admin = client_for(world.district_admin)
    url = reverse("evaluation:round_separation", args=[scoring_round.pk])
    admin.post(url, {"required": "0", "reason": ""})
    scoring_round.refresh_from_db()
    assert scoring_round.separate_duties
    with pytest.raises(ServiceError, match="理由"):
        services.round_set_separation(actor=world.district_admin, round_=scoring_round, required=False, reason=" ")
    admin.post(url, {"required": "0", "reason": "本镇仅一名工作人员，经区民政局同意"})
    scoring_round.refresh_from_db()
    assert not scoring_round.separate_duties and scoring_round.separation_waiver.startswith("本镇仅一名")
    event = AuditEntry.objects.filter(action="evaluation.round_separation").latest("id")
    assert event.actor_id == world.district_admin.pk and "本镇仅一名工作人员" in str(event.after)
    assert "本镇仅一名工作人员" in admin.get(scoring_round.get_absolute_url()).content.decode()
    # with the waiver recorded, one person may close and publish
    round_ = advance(scoring_round, world.district_admin, "close_scoring", "publish")
    assert round_.status == "publicity"
