"""Pagination shared by list pages and the API.

``DeferredJoinPaginator``: a deep page (``?page=200``) of a large list makes the database walk every
row before it, with all their columns and joins, only to throw them away. For deep pages the page's
keys are selected first in a subquery (an index walk over one column), then only those rows are read
with their joins. Same rows, same order.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class DeferredJoinPaginator(Paginator):
    deferred_from = 1000  # rows skipped before it pays to select the keys first

    def page(self, number):
        qs = self.object_list
        if (not isinstance(qs, QuerySet) or not qs.ordered or qs.query.distinct or qs.query.combinator
                or qs.query.group_by is not None or qs.query.is_sliced):
            return super().page(number)  # keep Django's own slice where a key subquery could change the rows
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deferred_from:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = qs.values("pk")[bottom:top]
        return self._get_page(qs.filter(pk__in=keys), number, self)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = DeferredJoinPaginator


class CountedPaginator(DeferredJoinPaginator):
    """A paginator whose row count comes from ``count_func(queryset)`` (e.g. a cached count)."""

    def __init__(self, *args, count_func=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_func = count_func

    @cached_property
    def count(self):
        if self.count_func is None:
            return Paginator.count.func(self)
        return self.count_func(self.object_list)
