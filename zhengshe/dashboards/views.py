"""The home page: where every role lands after signing in."""

from zhengshe.core import inbox
from zhengshe.core.views import ScopedTemplateView

from .selectors import home_summary


class HomeView(ScopedTemplateView):
    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(home_summary(self.request.user))
        # Every role's home opens on its work inbox (the first page of 待办; the full lists at core:inbox).
        ctx.update(inbox.page_context(self.request.user, per_page=10), inbox_home=True)
        return ctx
