"""Rules and helpers shared by the organizations services (who covers what, deadlines, grade years)."""

from __future__ import annotations

from django.db import IntegrityError

from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope

STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}


PROFILE_FACTS = ("contact_person", "contact_phone", "members", "full_time_staff", "social_workers", "volunteers",
                 "has_party_org", "party_org_name", "introduction")


REPORT_DEADLINE = (5, 31)  # to the registration office by 31 May (STANDARDS §2)


GRADE_YEARS = 5


def _covers(actor, region, roles) -> bool:
    scope = Scope.for_user(actor)
    return scope.is_superuser or scope.covers_path(region.path, roles)


__all__ = [n for n in dir() if not n.startswith("_")] + ["IntegrityError"]
