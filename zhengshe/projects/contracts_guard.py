"""Checks on a contract shared by supervision services and selectors."""

from django.utils.translation import gettext as _

from zhengshe.core.errors import ServiceError

from .choices import ContractStatus


def require_in_force(milestone):
    """The milestone's contract as it is now (never a copy cached on the caller's objects), if it is in force."""
    from .models import Contract

    contract = Contract.objects.select_related("application__organization").get(pk=milestone.contract_id)
    if contract.status != ContractStatus.IN_FORCE:
        raise ServiceError(_("合同尚未生效（%s），不能报告进展。") % contract.get_status_display())
    return contract
