"""Chinese first, English on request: the language switch turns the login page English."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_chinese_by_default():
    text = Client().get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-CN"' in text and "登录政社互动信息系统" in text and "用户名" in text


@pytest.mark.django_db
def test_switching_to_english_shows_english_on_the_login_page():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    text = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in text
    assert "Sign in to Zhengshe" in text and "Username" in text and "Password" in text
    assert "登录政社互动信息系统" not in text
    # And back to Chinese.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("accounts:login")})
    assert "登录政社互动信息系统" in client.get(reverse("accounts:login")).content.decode()


def test_english_catalog_is_compiled_and_complete():
    from pathlib import Path

    import zhengshe

    base = Path(zhengshe.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    assert (base / "django.mo").exists()
    po = (base / "django.po").read_text(encoding="utf-8")
    # Every foundation string has an English translation (no empty msgstr after a non-empty msgid).
    empty = po.count('msgstr ""\n\n')
    assert empty == 0, f"{empty} untranslated strings in {base / 'django.po'}"


@pytest.mark.django_db
def test_role_names_and_errors_translate(world, client_for):
    client = client_for(world.town_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get(reverse("dashboards:home")).content.decode()
    assert "Town/street staff" in text and "Population" in text and "Households" in text


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_chooses():
    # Given a phone or office PC whose browser asks for English first
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # When it opens the login page without having chosen a language
    response = client.get(reverse("accounts:login"))
    # Then the page is Chinese (Chinese first); English comes only from the explicit switch
    text = response.content.decode()
    assert 'lang="zh-CN"' in text and "登录政社互动信息系统" in text
    assert response["Content-Language"] == "zh-hans"
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Sign in to Zhengshe" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_big_numbers_are_grouped_as_offices_write_them_but_years_are_not():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("zh-hans"):
        assert intcomma(906084) == "906,084"
        assert Template("{{ year }}").render(Context({"year": 2026})) == "2026"
