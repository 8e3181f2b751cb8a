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


# ---------------------------------------------------------------- the role axis: same region, wrong role
#
# The sibling-region test above proves the tree is respected. These prove the role is: people who cover village
# A1x's region (or its council, or an organization of its county) but whose role may not do what a URL does.

WRITES = ("create", "update", "delete")


def _writes():
    from zhengshe.audit.models import AuditEntry

    return AuditEntry.objects.filter(action__in=WRITES).count()


def _council_rep(world):
    """The representative of village A1x's residents' council: covers that council only."""
    from zhengshe.agreements.models import ResidentsCouncil
    from zhengshe.testing import make_user

    council = ResidentsCouncil.objects.create(region=world.village_a1x, name="一村角色测试理事会")
    return make_user("council_a1x", "council_rep", target=council)


# Who may legitimately write through a URL although they hold no worker role: the council representative acts for
# its "2+1" agreement (negotiation notes, confirmation, signature); the organization user for its organization.
COUNCIL_MAY_WRITE = {"agreements:note_add", "agreements:confirm", "agreements:sign", "agreements:note_decide"}
ORG_USER_MAY_WRITE_APPS = ("organizations:", "organization-")
# Every signed-in user manages their own account's API token, whatever their role.
SELF_SERVICE = {"accounts:api_token"}


def _read_only_cases():
    for name in URL_NAMES:
        case = CASES.get(name)
        if case is None or case.public or name in SELF_SERVICE:
            continue
        for role in ("leader", "audit_admin", "council_rep", "org_user"):
            if role == "council_rep" and name in COUNCIL_MAY_WRITE:
                continue
            if role == "org_user" and name.startswith(ORG_USER_MAY_WRITE_APPS):
                continue
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize("name, role", list(_read_only_cases()))
def test_a_role_that_may_not_act_changes_nothing(name, role, world, client_for):
    """Given an object inside village A1x, when a user whose region covers it but whose role may not act there
    (the county leader, the audit administrator, a council representative, an organization user) posts to the
    URL, then nothing is written and the answer is a refusal or the unchanged page, never a server error."""
    case = CASES[name]
    data = case.make(world) or {}
    user = _council_rep(world) if role == "council_rep" else getattr(world, role)
    client = client_for(user)
    client.raise_request_exception = False
    url = reverse(name, kwargs=data.get("kwargs", {}))
    before = _writes()
    response = client.post(url, data.get("post", {}))
    assert response.status_code < 500, f"{name}: {role} POST got {response.status_code}"
    assert _writes() == before, f"{name}: {role}'s POST wrote something ({response.status_code})"


# By design: an organization sees the grading rounds open in its county, so that it can declare in them.
OPEN_TO_BOUND = {("organizations:round_list", "org_user")}


def _bound_cases():
    for name in URL_NAMES:
        case = CASES.get(name)
        if case is None or case.public or name in SELF_SERVICE:
            continue
        for role in ("org_user", "council_rep", "nobody"):
            if (name, role) in OPEN_TO_BOUND:
                continue
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize("name, role", list(_bound_cases()))
def test_a_bound_account_sees_nothing_but_its_own(name, role, world, client_for):
    """Given village A1x's objects (and an organization of its own), when an account bound to another object —
    county A's organization user, a council representative of another council — or an account with no role
    at all opens the URL, then a detail answers 403/404 and no list or export shows the object's marker."""
    case = CASES[name]
    data = case.make(world) or {}
    kwargs, marker = data.get("kwargs", {}), data.get("marker")
    client = client_for(_council_rep(world) if role == "council_rep" else getattr(world, role))
    client.raise_request_exception = False
    url = reverse(name, kwargs=kwargs)
    if case.post_only:
        response = client.post(url, data.get("post", {}))
        assert response.status_code in (403, 404, 405), f"{name}: {role} POST got {response.status_code}"
        return
    response = client.get(url, case.extra_params)
    assert response.status_code < 500, f"{name}: {role} got {response.status_code}"
    if kwargs:
        assert response.status_code in (403, 404), f"{name}: {role} got {response.status_code} for {url}"
    if marker:
        assert marker not in _text(response), f"{name}: {role} sees {marker!r}"


UNPUBLISHED_RESULT_URLS = ["evaluation:results", "evaluation:heatmap_export", "evaluation-round-results",
                           "evaluation-result-list"]


@pytest.mark.parametrize("name", UNPUBLISHED_RESULT_URLS)
def test_an_expert_does_not_see_results_before_publication_that_a_manager_sees(name, world, client_for):
    """Given a round whose results are computed but not yet published, in the same county, when the district
    administrator opens the results first and then the county's expert does, then the administrator sees the
    committee and the expert does not (whatever the administrator's visit left behind)."""
    from zhengshe.evaluation.aggregation import round_compute_results
    from zhengshe.evaluation.tests import factories

    ns = factories.build(world, publish=False)
    round_compute_results(actor=world.district_admin, round_=ns.round)
    kwargs = {} if name == "evaluation-result-list" else {"pk": ns.round.pk}
    url = reverse(name, kwargs=kwargs)
    manager = client_for(world.district_admin).get(url)
    assert manager.status_code == 200 and ns.unit.name in _text(manager), f"{name}: the manager misses the results"
    expert = client_for(world.expert)
    expert.raise_request_exception = False
    response = expert.get(url)
    assert response.status_code in (200, 403, 404), f"{name}: expert got {response.status_code}"
    assert ns.unit.name not in _text(response), f"{name}: the expert sees unpublished results"
