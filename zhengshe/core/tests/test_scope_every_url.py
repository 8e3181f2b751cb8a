"""The scope rule, tried automatically on every URL and API route as an outsider (a sibling village).

Every named URL must have a ``ScopeCase`` in some ``zhengshe/<app>/tests/scope_cases.py`` (or be a
framework page listed in ``FRAMEWORK_PAGES``). A new page without one fails here, so nothing ships
unchecked. For detail pages the outsider must get 404/403; for lists and exports the owner must see
the case's marker and the outsider must not.
"""

import importlib
import io
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import zhengshe
from zhengshe.testing import ScopeCase

# Pages with no scoped data at all (sign-in steps, language switch, API description, the bench floor).
FRAMEWORK_PAGES = {
    "accounts:login", "accounts:login_totp", "accounts:logout", "accounts:password_change", "accounts:totp_setup",
    "core:elder", "set_language", "api-schema", "api-docs", "floor", "api-root",
}


def _names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == "admin":
                continue
            yield from _names(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def all_url_names() -> list[str]:
    return sorted(set(_names(get_resolver().url_patterns)))


def all_cases() -> dict[str, ScopeCase]:
    cases = {}
    for module in pkgutil.iter_modules(zhengshe.__path__):
        try:
            mod = importlib.import_module(f"zhengshe.{module.name}.tests.scope_cases")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"zhengshe.{module.name}.tests"):
                continue
            raise
        cases.update(mod.CASES)
    return cases


CASES = all_cases()
URL_NAMES = all_url_names()


def test_every_url_has_a_scope_case():
    missing = [n for n in URL_NAMES if n not in CASES and n not in FRAMEWORK_PAGES]
    assert not missing, f"register a ScopeCase for: {missing}"


def _text(response) -> str:
    ctype = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in ctype:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    if "pdf" in ctype:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n in CASES])
def test_outsider_sees_nothing(name, world, client_for):
    case = CASES[name]
    data = case.make(world) or {}
    kwargs = data.get("kwargs", {})
    marker = data.get("marker")
    url = reverse(name, kwargs=kwargs)
    if case.public:
        return
    outsider = client_for(getattr(world, case.outsider))
    if case.post_only:
        response = outsider.post(url, data.get("post", {}))
        assert response.status_code in (403, 404), f"{name}: outsider POST got {response.status_code}"
        return
    response = outsider.get(url, case.extra_params)
    if kwargs:
        assert response.status_code in (403, 404), f"{name}: outsider got {response.status_code} for {url}"
        if marker:
            assert marker not in _text(response)
        return
    assert response.status_code in (200, 302, 403, 404), f"{name}: {response.status_code}"
    if marker:
        assert marker not in _text(response), f"{name}: outsider sees {marker!r}"
        if case.owner:
            owner = client_for(getattr(world, case.owner))
            own = owner.get(url, case.extra_params)
            assert own.status_code == 200 and marker in _text(own), f"{name}: owner does not see {marker!r}"
        for params in ({"export": "xlsx"}, {"q": marker}):
            exported = outsider.get(url, {**case.extra_params, **params})
            if exported.status_code == 200:
                # The search box echoes the query itself; only results count.
                text = _text(exported).replace(f'value="{marker}"', "").replace(f"q={marker}", "")
                assert marker not in text, f"{name}?{params}: outsider sees {marker!r}"
