"""Codes never reach a Chinese screen: the agreement's status history and the ledger's 来源 show labels."""

from decimal import Decimal

from django.urls import reverse

from zhengshe.agreements import services


def test_status_history_shows_the_move_and_the_states_in_chinese(world, client_for, drafted):
    # given an agreement the town has put to negotiation
    agreement = services.agreement_transition(actor=world.town_staff, agreement=drafted[world.village_a1x.code],
                                              action="submit")
    # when the village opens it
    text = client_for(world.village_staff).get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    # then the history reads 发起协商：草稿 → 协商中, never the stored codes
    assert "发起协商：草稿 → 协商中" in text
    assert "submit：" not in text and "draft → negotiating" not in text


def test_ledger_source_is_a_label(world, client_for, signed):
    # given a signed agreement with a manual withholding recorded on its page
    client = client_for(world.town_staff)
    client.post(reverse("agreements:adjust", args=[signed.pk]),
                {"kind": "withhold", "amount": "100.00", "reason": "台账抽查不合格", "entry_date": "2026-09-15"})
    assert signed.ledger.filter(source="manual", amount=Decimal("100.00")).exists()
    # when the ledger is listed
    text = client.get(reverse("agreements:ledger")).content.decode()
    # then 来源 reads 协议签署 and 手工登记, not agreement/manual
    assert "协议签署" in text and "手工登记" in text
    assert "<td>manual</td>" not in text and "<td>agreement</td>" not in text
