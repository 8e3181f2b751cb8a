"""English on request: the agreements app has its own complete, compiled English catalog."""

from pathlib import Path

import pytest
from django.urls import reverse

import zhengshe.agreements

CATALOG = Path(zhengshe.agreements.__file__).parent / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.django_db
def test_agreement_list_is_english_after_switching(world, client_for):
    # Given a town worker who chose English
    client = client_for(world.town_staff)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("agreements:list")})
    # When they open the agreement list
    response = client.get(reverse("agreements:list"))
    # Then its action buttons come from the agreements catalog, not the Chinese source strings
    assert response.status_code == 200
    text = response.content.decode()
    assert "Agreement templates and batch drafting" in text and "Funding ledger" in text
    assert "Batch download PDF" in text
    assert "协议模板与批量起草" not in text and "经费台账" not in text and "批量下载 PDF" not in text


def test_agreements_catalog_is_compiled_and_complete():
    assert (CATALOG / "django.mo").exists()
    po = (CATALOG / "django.po").read_text(encoding="utf-8")
    # Every agreements string has an English translation (no empty msgstr after a non-empty msgid).
    empty = po.count('msgstr ""\n\n')
    assert empty == 0, f"{empty} untranslated strings in {CATALOG / 'django.po'}"
    assert "#, fuzzy" not in po
