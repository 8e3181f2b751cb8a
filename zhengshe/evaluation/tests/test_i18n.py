"""The evaluation app speaks English when the user switches language; its catalog is complete and compiled."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import zhengshe.evaluation

LC_MESSAGES = Path(zhengshe.evaluation.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _entries(po_text):
    """(msgid, msgstr) pairs of a .po file, continuation lines joined."""
    entries, current, field = [], None, None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = {"msgid": ast.literal_eval(line[6:]), "msgstr": ""}
            entries.append(current)
            field = "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"] = ast.literal_eval(line[7:])
            field = "msgstr"
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        else:
            field = None
    return [(e["msgid"], e["msgstr"]) for e in entries if e["msgid"]]


@pytest.mark.django_db
def test_round_list_is_english_after_switching_language(world, client_for):
    client = client_for(world.district_admin)
    url = reverse("evaluation:round_list")
    assert "双向评估" in client.get(url).content.decode()  # Chinese first
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert 'lang="en"' in text
    assert "Two-way evaluation" in text and "双向评估" not in text
    assert "Scoring sheet" in text and "评分表" not in text
    assert "Public notice page" in text and "公示页面" not in text


def test_english_catalog_is_compiled_and_complete():
    assert (LC_MESSAGES / "django.mo").exists()
    entries = _entries((LC_MESSAGES / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 400
    empty = [msgid for msgid, msgstr in entries if not msgstr.strip()]
    assert not empty, f"{len(empty)} untranslated strings, e.g. {empty[:3]}"
