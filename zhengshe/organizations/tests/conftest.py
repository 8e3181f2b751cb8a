from datetime import date

import pytest

from ..credit_code import make_credit_code


@pytest.fixture
def org_a(world):
    """The test world's organization (the org_user's), completed as a registered 社会团体 of county A."""
    o = world.org_a
    o.credit_code = make_credit_code("1", "320581", 77)
    o.org_type = "social_group"
    o.category = "charity"
    o.registration_authority = "甲县民政局"
    o.registered_on = date(2018, 5, 1)
    o.founded_on = date(2018, 4, 1)
    o.legal_representative = "赵代表"
    o.contact_person = "钱联系"
    o.contact_phone = "13987654321"
    o.save()
    return o
