"""Form submission tokens and API idempotency keys (``core.idempotency``).

    zhengshe idempotency prune    # delete the keys older than IDEMPOTENCY_KEY_HOURS (serve.sh runs it daily)
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengshe.core import idempotency


class Command(BaseCommand):
    help = "幂等键：prune 删除已过期的表单提交令牌与接口幂等键。 (zhengshe idempotency prune)"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["prune"])

    def handle(self, *args, what, **options):
        self.stdout.write(self.style.SUCCESS(_("已删除 %(n)d 个过期的幂等键。") % {"n": idempotency.prune()}))
