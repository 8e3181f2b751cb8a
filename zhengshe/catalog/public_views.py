"""Published lists for residents and anyone else: the law says what a committee does, and everybody may read it."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from . import selectors
from .choices import ListStatus
from .models import DutyList

PUBLIC = [ListStatus.PUBLISHED, ListStatus.SUPERSEDED]


def public_lists(request):
    qs = DutyList.objects.filter(status__in=PUBLIC).select_related("region").order_by("region__path", "kind",
                                                                                       "-version")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(region__name__contains=q) | qs.filter(title__contains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "catalog/public_lists.html", {"page_obj": page, "q": q, "title": _("两份清单公开")})


def public_list_detail(request, pk):
    duty_list = get_object_or_404(DutyList.objects.select_related("region"), pk=pk, status__in=PUBLIC)
    return render(request, "catalog/public_list_detail.html", {
        "object": duty_list, "groups": selectors.items_by_category(duty_list), "title": duty_list.title})
