"""Roles, what each may do in general, and which roles are separated by duty (STANDARDS §4.8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("民政/社建管理员")
    TOWN_STAFF = "town_staff", _("街镇工作人员")
    VILLAGE_STAFF = "village_staff", _("村居工作人员")
    ORG_USER = "org_user", _("社会组织用户")
    EXPERT = "expert", _("专家/评估员")
    LEADER = "leader", _("领导")
    SYS_ADMIN = "sys_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    COUNCIL_REP = "council_rep", _("居民自治理事会代表")


REGION_ROLES = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.LEADER, Role.EXPERT, Role.SYS_ADMIN,
                Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
ORGANIZATION_ROLES = {Role.ORG_USER}
# Roles bound to one residents' council ("2+1" party B): they see only that council's rows.
COUNCIL_ROLES = {Role.COUNCIL_REP}
# The level a region-scoped role is normally granted at (a hint for forms and the demo, not a rule).
ROLE_LEVEL = {Role.DISTRICT_ADMIN: "county", Role.TOWN_STAFF: "town", Role.VILLAGE_STAFF: "village"}

WORK_ROLES = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF}
# General rights by action. Apps narrow them per model with ``scope_roles`` and per move in workflows.
ACTION_ROLES = {
    "view": {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.ORG_USER, Role.EXPERT, Role.LEADER,
             Role.SYS_ADMIN, Role.COUNCIL_REP},
    "change": {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.ORG_USER, Role.COUNCIL_REP},
    "manage": {Role.DISTRICT_ADMIN},
    "export": {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.LEADER},
    # Protected personal data in full (a reveal, audited; exports unmasked): none by default, a model names its own.
    "reveal": set(),
    "manage_users": {Role.SYS_ADMIN, Role.SECURITY_ADMIN},
}
ADMIN_ROLES = {Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# No user may hold two of these at once: who grants rights never touches the audit log, and so on.
SEPARATED_ROLES = [{Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}]
