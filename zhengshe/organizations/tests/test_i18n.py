"""The organizations app has its own English catalog: the public directory turns English on request."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.django_db
def test_public_directory_is_english_after_switching_language():
    client = Client()
    url = reverse("organizations_public:directory")
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert 'lang="en"' in text
    # Page title and a table header, both from this app's catalog.
    assert "Social organization directory search" in text
    assert "Unified social credit code/filing number" in text
    assert "Public registration (filing) information, assessment grades and credit status." in text
    assert "社会组织名录查询" not in text
    assert "统一社会信用代码/备案编号" not in text


@pytest.mark.django_db
def test_public_directory_is_chinese_by_default():
    text = Client().get(reverse("organizations_public:directory")).content.decode()
    assert "社会组织名录查询" in text and "统一社会信用代码/备案编号" in text


def test_organizations_catalog_is_compiled_and_complete():
    assert (LOCALE / "django.mo").exists()
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert po.count('msgid "') > 600
    # Every msgid has a translation (the header's empty msgid/msgstr is followed by its fields, not a blank line).
    empty = po.count('msgstr ""\n\n') + int(po.endswith('msgstr ""\n'))
    assert empty == 0, f"{empty} untranslated strings in {LOCALE / 'django.po'}"
