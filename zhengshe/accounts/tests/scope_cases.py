from zhengshe.testing import ScopeCase


def _api_token_case(w):
    # One's own token page: nothing of anybody else's is on it; issuing needs a POST of one's own.
    return {"marker": None}


def _locked_address(w):
    from django.conf import settings

    from zhengshe.accounts import lockout

    for n in range(settings.LOCKOUT_IP_THRESHOLD):
        lockout.note_attempt(f"guess{n}", "10.9.8.7", False)
    return {"marker": "10.9.8.7"}


CASES = {
    # The people pickers' search: the village's own worker finds herself; the sibling village's worker does not.
    "accounts:people_lookup": ScopeCase(lambda w: {"marker": w.village_staff.username}, extra_params={"q": "village"}),
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
    # Locked addresses are the security administrator's alone (an address belongs to no region).
    "accounts:address_list": ScopeCase(_locked_address, owner="security_admin"),
    "accounts:address_unlock": ScopeCase(lambda w: {"post": {"ip": _locked_address(w)["marker"]}}, post_only=True),
}
