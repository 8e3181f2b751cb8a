"""API base: scoped viewsets and pagination shared by every app."""

from rest_framework import viewsets

from .pagination import StandardPagination  # noqa: F401  (re-exported for apps)

WRITE_ACTIONS = {"create", "update", "partial_update", "destroy"}


class ScopedViewSetMixin:
    """Every API queryset goes through ``restrict(user, action)``; outside scope → 404."""

    scope_action = "view"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = self.queryset.model.objects.all() if self.queryset is not None else self.model.objects.all()
        qs = qs.restrict(self.request.user, "change" if self.action in WRITE_ACTIONS else self.scope_action)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass

