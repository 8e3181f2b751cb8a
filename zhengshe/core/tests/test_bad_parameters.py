"""No server error from a malformed query parameter: every page and API route, given absurd filter values,
answers with a page, a form error or a 400 — never a 500."""

import pytest
from django.urls import reverse

from zhengshe.core.tests.test_scope_every_url import CASES, URL_NAMES

BAD = {"year": ["-1", "99999999999999999999", "abc", "2026.5"], "page": ["-3", "99999999999999999999", "x"],
       "region": ["x", "99999999999999999999"], "town": ["-1", "x"], "status": ["<script>"], "q": ["'\"%_\\"],
       "grade": ["x"], "kind": ["x"], "outcome": ["x"], "organization": ["99999999999999999999"]}


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n in CASES and not CASES[n].post_only])
def test_absurd_query_parameters_never_cause_a_server_error(name, world, client_for):
    case = CASES[name]
    data = case.make(world) or {}
    user = getattr(world, case.owner or "district_admin")
    client = client_for(user)
    client.raise_request_exception = False
    url = reverse(name, kwargs=data.get("kwargs", {}))
    failures = []
    for param, values in BAD.items():
        for value in values:
            response = client.get(url, {**case.extra_params, param: value})
            if response.status_code >= 500:
                failures.append(f"{param}={value}")
    assert not failures, f"{name}: server error for {failures}"
