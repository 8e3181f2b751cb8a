"""The automatic change log: every save and delete of an audited model writes a before/after row."""

from django.db.models.signals import post_delete, post_save, pre_save

from . import services


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not services.is_audited(sender):
        return
    instance._audit_before = None
    instance._audit_before_plain = {}
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        if old is not None:
            instance._audit_before = services.snapshot(old)
            instance._audit_before_plain = services.protected_plain(old)


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not services.is_audited(sender):
        return
    after = services.snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        services.record_change(instance, "create", None, after)
        return
    old, new = services.diff(before, after)
    plain_before = getattr(instance, "_audit_before_plain", {})
    for name, value in services.protected_plain(instance).items():
        if name not in new and plain_before.get(name) != value:  # changed, though the mask looks the same
            old[name], new[name] = before.get(name), after.get(name)
    if new:
        services.record_change(instance, "update", old, new)


def _post_delete(sender, instance, **kwargs):
    if services.is_audited(sender):
        services.record_change(instance, "delete", services.snapshot(instance), None)


def connect():
    pre_save.connect(_pre_save, dispatch_uid="zhengshe_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="zhengshe_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="zhengshe_audit_post_delete")
