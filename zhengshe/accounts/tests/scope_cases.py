from zhengshe.testing import ScopeCase


def _api_token_case(w):
    # One's own token page: nothing of anybody else's is on it; issuing needs a POST of one's own.
    return {"marker": None}


CASES = {
    # Account management is for system/security administrators of the subtree; a village worker sees no one.
    "accounts:user_list": ScopeCase(lambda w: {"marker": w.village_staff.username}, owner="security_admin"),
    "accounts:user_create": ScopeCase(lambda w: {"post": {"username": "x", "display_name": "x", "password": "Abc@12345",
                                                          "region_code": w.village_a1x.code}}, post_only=True),
    "accounts:user_detail": ScopeCase(lambda w: {"kwargs": {"pk": w.village_staff.pk}, "marker": w.village_staff.username}),
    "accounts:role_revoke": ScopeCase(
        lambda w: {"kwargs": {"pk": w.village_staff.role_assignments.first().pk}}, post_only=True),
    "accounts:user_set_active": ScopeCase(
        lambda w: {"kwargs": {"pk": w.village_staff.pk}, "post": {"active": "0", "reason": "x"}}, post_only=True),
    "accounts:user_unlock": ScopeCase(lambda w: {"kwargs": {"pk": w.village_staff.pk}}, post_only=True),
    "accounts:user_password_reset": ScopeCase(
        lambda w: {"kwargs": {"pk": w.village_staff.pk}, "post": {"password": "Xyz#98765abc"}}, post_only=True),
    "accounts:api_token": ScopeCase(_api_token_case),
}
