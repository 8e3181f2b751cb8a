"""Recording paper agreements signed before they were entered here."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengshe.core.actions import call_service

from . import selectors, services
from .forms import OfflineSignForm
from .workflows import AGREEMENT_FLOW, standing_on


@login_required
def agreement_offline(request, pk):
    """Party A (or the district) records a paper signing: date, signers, scan; through the workflow engine."""
    agreement = selectors.get_agreement(request.user, pk)
    standing = standing_on(agreement, request.user)
    if AGREEMENT_FLOW.why_not(agreement, "record_offline", request.user) is not None:
        raise Http404
    form = OfflineSignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if call_service(request, services.agreement_record_offline, form=form, actor=request.user,
                        agreement=agreement, standing=standing, **form.cleaned_data,
                        success=_("纸质协议的签署已登记。")):
            return redirect(agreement.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "multipart": True, "back": agreement.get_absolute_url(),
                                              "title": _("登记纸质签署：%(a)s") % {"a": agreement},
                                              "submit_label": _("登记")})
