"""Public pages (no login): the residents' survey reached by QR code, and published results (公示)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhengshe.core.context import current
from zhengshe.core.errors import ServiceError

from . import survey_phone, surveys
from .choices import RoundStatus, Satisfaction, UnitKind
from .models import Round, Survey, UnitResult
from .tables import ResultTable

COOKIE_AGE = 400 * 24 * 3600


def _client_ip(request) -> str:
    return current().ip or request.META.get("REMOTE_ADDR", "")


def _survey_post(request, survey, device):
    """(redirect or None, error, fields, notice) of a POST: ask for a verification code, or submit the answers."""
    phone = request.POST.get("phone", "")
    try:
        if request.POST.get("action") == "send_code":
            shown = survey_phone.phone_code_send(survey=survey, phone=phone, device_token=device,
                                                 ip=_client_ip(request))
            return None, None, {}, _("验证码已发送至 %s，请查收短信后填写。") % shown
        answers = {k[2:]: v for k, v in request.POST.items() if k.startswith("q_") and v}
        surveys.survey_submit(survey=survey, answers=answers, device_token=device, phone=phone,
                              code=request.POST.get("code", ""), ip=_client_ip(request))
    except ServiceError as exc:
        return None, exc.message, exc.fields, None
    return redirect(reverse("evaluation_public:survey_thanks", args=[survey.token])), None, {}, None


@never_cache
def survey_view(request, token):
    """Answer a survey on a phone: one answer per device (signed cookie) and per (verified) phone number, limits
    per survey and address; a device that already answered is told so before it fills the form."""
    survey = get_object_or_404(Survey.objects.select_related("round", "unit", "unit__region", "unit__region__parent"),
                               token=token)
    device = request.get_signed_cookie(surveys.DEVICE_COOKIE, default=None, salt=surveys.COOKIE_SALT)
    error, fields, notice = None, {}, None
    if request.method == "POST":
        done, error, fields, notice = _survey_post(request, survey, device)
        if done is not None:
            return done
    answered = request.method != "POST" and surveys.already_answered(survey, device)
    sections = surveys.questions(survey)
    for _heading, indicators in sections:
        for indicator in indicators:  # a refused attempt keeps what the resident chose
            indicator.chosen = request.POST.get(f"q_{indicator.pk}", "")
    response = render(request, "evaluation/public/survey.html", {
        "survey": survey, "sections": sections, "levels": Satisfaction.choices,
        "closed": surveys.closed_reason(survey), "answered": answered, "error": error, "fields": fields,
        "notice": notice, "posted": request.POST, "verify_phone": survey.verify_phone,
        "require_phone": survey.round.require_phone or survey.verify_phone, "title": _("居民满意度调查")})
    if device is None:
        response.set_signed_cookie(surveys.DEVICE_COOKIE, surveys.new_device_token(), salt=surveys.COOKIE_SALT,
                                   max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=request.is_secure())
    return response


def survey_thanks_view(request, token):
    survey = get_object_or_404(Survey.objects.select_related("unit"), token=token)
    return render(request, "evaluation/public/thanks.html", {"survey": survey, "title": _("提交成功")})


def publicity_list_view(request):
    rounds = Round.objects.filter(status__in=[RoundStatus.PUBLICITY, RoundStatus.FINAL]).select_related(
        "region").order_by("-year", "region__path")[:100]
    return render(request, "evaluation/public/publicity_list.html", {"rounds": rounds, "title": _("评估结果公示")})


def publicity_view(request, pk):
    """Published results of a round, with the rule, the sample sizes and the objection deadline."""
    round_ = Round.objects.filter(pk=pk, status__in=[RoundStatus.PUBLICITY, RoundStatus.FINAL]).select_related(
        "region").first()
    if round_ is None:
        raise Http404(_("未找到该公示。"))
    kind = request.GET.get("kind", UnitKind.COMMITTEE)
    qs = (UnitResult.objects.filter(round=round_, unit__kind=kind if kind in UnitKind.values else UnitKind.COMMITTEE)
          .select_related("unit", "unit__region", "unit__region__parent")
          .order_by("rank_district", "unit__region__path"))
    from django.core.paginator import Paginator

    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    table = ResultTable()
    table.columns = [c for c in table.columns if c.accessor not in ("self_score", "scorers")]
    return render(request, "evaluation/public/publicity.html", {
        "round": round_, "title": _("%s 结果公示") % round_.title, "table_headers": table.headers(),
        "table_rows": table.html_rows(page), "page_obj": page, "kind": kind, "kinds": UnitKind.choices,
        "querystring": f"kind={kind}"})
