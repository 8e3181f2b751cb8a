"""What other feature apps may use of the projects app (read-only): calls and applications, and the needs the
communities recorded. Appeals will route a matter to the organization a purchase names through this module."""

from .models import Application, Call, Need, ServiceItem
from .selectors import ranked_needs

__all__ = ["Application", "Call", "Need", "ServiceItem", "ranked_needs"]
