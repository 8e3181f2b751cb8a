"""Password rules beyond Django's own (STANDARDS §4.2)."""

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z0-9]"))
        if classes < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_classes")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """The new password must differ from the last ``history`` ones (the current password counts as one)."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        previous = [user.password] if user.password else []
        if self.history > 1:
            previous += list(user.password_history.order_by("-created_at", "-pk")
                             .values_list("password", flat=True)[: self.history - 1])
        if any(check_password(password, old) for old in previous):
            raise ValidationError(_("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                                  code="password_reused")

    def get_help_text(self):
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}
