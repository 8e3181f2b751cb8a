"""The round's page in Chinese shows labels, never codes; in English, no Chinese is left in its counts and year."""

from django.urls import reverse

from .conftest import advance


def test_round_history_reads_in_chinese(world, client_for, round_):
    # given a round opened for self-assessment
    advance(round_, world.district_admin, "open")
    # when its page is opened in Chinese
    text = client_for(world.district_admin).get(reverse("evaluation:round_detail", args=[round_.pk])).content.decode()
    # then the history names the move and the states
    assert "启动评估（开始自评）：筹备中 → 自评阶段" in text
    assert "open：" not in text and "draft → self" not in text


def test_round_page_in_english_has_no_chinese_counts_or_year(world, client_for, round_):
    # given a district administrator who chose English
    client = client_for(world.district_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    # when the round's page is opened
    text = client.get(reverse("evaluation:round_detail", args=[round_.pk])).content.decode()
    # then the year and the unit counts are English
    assert "Year 2026" in text and "2026 Year" not in text
    counts = text.split("Evaluated unit</dt>", 1)[1].split("</dd>", 1)[0]
    assert "committee: " in counts and "个" not in counts and "；" not in counts


def test_blank_choice_is_chinese(world, client_for):
    # when a form with an optional select is opened in Chinese
    text = client_for(world.district_admin).get(reverse("evaluation:round_create")).content.decode()
    # then its empty option is 请选择, not Django's English default
    assert "— 请选择 —" in text and "Select an option" not in text
