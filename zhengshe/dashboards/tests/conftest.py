"""The faces' tests reuse the agreements app's fixtures (a drafted town, residents' councils with accounts)."""

from zhengshe.agreements.tests.conftest import assisted_list, drafted, template  # noqa: F401
from zhengshe.agreements.tests.test_council import council_world  # noqa: F401
