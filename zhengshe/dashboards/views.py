"""The home page: where every role lands after signing in."""

from zhengshe.core.views import ScopedTemplateView

from .selectors import home_summary


class HomeView(ScopedTemplateView):
    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(home_summary(self.request.user))
        return ctx
