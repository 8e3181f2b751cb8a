from zhengshe.core.testing import ScopeCase

CASES = {
    # Account management is for system/security administrators of the subtree; a village worker sees no one.
    "accounts:user_list": ScopeCase(lambda w: {"marker": w.village_staff.username}, owner="security_admin"),
    "accounts:user_create": ScopeCase(lambda w: {"post": {"username": "x", "display_name": "x", "password": "Abc@12345",
                                                          "region_code": w.village_a1x.code}}, post_only=True),
    "accounts:user_detail": ScopeCase(lambda w: {"kwargs": {"pk": w.village_staff.pk}, "marker": w.village_staff.username}),
    "accounts:role_revoke": ScopeCase(
        lambda w: {"kwargs": {"pk": w.village_staff.role_assignments.first().pk}}, post_only=True),
}
