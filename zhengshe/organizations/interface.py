"""What other feature apps may use of the organizations app: the organization model (read-only), an
organization user's own organizations, and the eligibility check for purchases and venture-philanthropy rounds
(grade in force, credit lists, annual report, status). Everything else is internal (import contracts)."""

from .choices import GRADE_RANK, Grade, OrgType
from .models import Organization
from .selectors import eligibility, own_organizations

__all__ = ["GRADE_RANK", "Grade", "OrgType", "Organization", "eligibility", "own_organizations"]
