"""Every write of the evaluation: atomic, scope-checked, audited. Views and API call only these.

Templates (versioned, Excel in/out) · rounds (units, panel, workflow) · score sheets (self-assessment,
panel, committees; conflict declarations enforced here) · evidence · objections · consequences.
Surveys live in ``surveys.py`` and aggregation in ``aggregation.py``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event, snapshot
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, user_roles_on
from zhengshe.regions.models import Region

from .choices import (
    RESIDENT_DIRECTIONS,
    ConsequenceKind,
    ConsequenceStatus,
    Mapping,
    PanelKind,
    ResultRating,
    RoundStatus,
    Rule,
    SheetKind,
    SheetStatus,
    TemplateStatus,
    UnitKind,
)
from .models import (
    MANAGERS,
    ConflictDeclaration,
    Consequence,
    Evidence,
    Indicator,
    IndicatorTemplate,
    Panelist,
    Round,
    Score,
    ScoreSheet,
    Survey,
    Unit,
    UnitResult,
)
from .scoring import HUNDRED, manual_points, to_decimal, validate_bands
from .workflows import CONSEQUENCE_FLOW, ROUND_FLOW, SHEET_FLOW, TEMPLATE_FLOW

# ---------------------------------------------------------------- permissions


def _require_manager(actor, obj) -> None:
    scope = Scope.for_user(actor)
    if not (scope.is_superuser or user_roles_on(actor, obj) & MANAGERS):
        raise NotAllowed()


def can_manage(actor, obj) -> bool:
    try:
        _require_manager(actor, obj)
    except NotAllowed:
        return False
    return True


# ---------------------------------------------------------------- indicator templates


def template_create(*, actor, region: Region, direction: str, title: str, notes: str = "") -> IndicatorTemplate:
    """A new draft indicator system for ``direction`` issued by ``region`` (a district or town)."""
    if region.level not in ("county", "town", "city", "province"):
        raise ServiceError(_("指标体系由区（县）或镇（街道）发布。"))
    template = IndicatorTemplate(region=region, direction=direction, title=title.strip(), notes=notes)
    _require_manager(actor, template)
    with transaction.atomic():
        last = IndicatorTemplate.objects.filter(region=region, direction=direction).aggregate(v=Max("version"))["v"]
        template.version = (last or 0) + 1
        template.previous = (IndicatorTemplate.objects.filter(region=region, direction=direction,
                                                              status=TemplateStatus.PUBLISHED)
                             .order_by("-version").first())
        template.save()
        record_event("evaluation.template_create", template, after=snapshot(template))
    return template


def template_new_version(*, actor, template: IndicatorTemplate) -> IndicatorTemplate:
    """A draft copy of ``template`` (its indicators included) to edit; the original stays untouched."""
    _require_manager(actor, template)
    with transaction.atomic():
        draft = template_create(actor=actor, region=template.region, direction=template.direction,
                                title=template.title, notes=template.notes)
        draft.previous = template
        draft.save(update_fields=["previous", "updated_at"])
        for ind in template.indicators.all():
            Indicator.objects.create(
                template=draft, code=ind.code, group=ind.group, name=ind.name, description=ind.description,
                weight=ind.weight, rule=ind.rule, max_points=ind.max_points, checklist=ind.checklist,
                deduction=ind.deduction, source_key=ind.source_key, mapping=ind.mapping, position=ind.position)
    return draft


def _require_draft(template: IndicatorTemplate) -> None:
    if template.status != TemplateStatus.DRAFT:
        raise ServiceError(_("已发布的指标体系不能修改，请新建版本。"))


def _check_rule_for_direction(indicator: Indicator, direction: str) -> None:
    if direction in RESIDENT_DIRECTIONS and indicator.rule != Rule.SURVEY:
        raise ValidationError({"rule": _("居民评价的指标体系只能使用“居民满意度调查”方式。")})
    if direction not in RESIDENT_DIRECTIONS and indicator.rule == Rule.SURVEY:
        raise ValidationError({"rule": _("“居民满意度调查”方式只用于居民评价的指标体系。")})


def indicator_save(*, actor, template: IndicatorTemplate, data: dict, indicator: Indicator | None = None) -> Indicator:
    """Create or change one indicator of a draft template (validated: rule fields, direction)."""
    _require_manager(actor, template)
    _require_draft(template)
    indicator = indicator or Indicator(template=template)
    if indicator.template_id != template.pk:
        raise NotAllowed()
    for field, value in data.items():
        setattr(indicator, field, value)
    if indicator.rule != Rule.CHECKLIST:
        indicator.checklist = []
    indicator.full_clean()
    _check_rule_for_direction(indicator, template.direction)
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:
        raise ServiceError(_("编号“%s”已存在。") % indicator.code, fields={"code": [_("编号重复")]}) from exc
    return indicator


def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Remove an indicator from a draft (the change log keeps what it was)."""
    _require_manager(actor, indicator.template)
    _require_draft(indicator.template)
    indicator.delete()


def template_problems(template: IndicatorTemplate) -> list[str]:
    """Why the template cannot be published yet (empty list = ready)."""
    problems = []
    indicators = list(template.indicators.all())
    if not indicators:
        return [_("尚未设置任何指标。")]
    total = sum((i.weight for i in indicators), Decimal("0"))
    if total != HUNDRED:
        problems.append(_("各指标权重合计为 %(t)s，须等于 100。") % {"t": f"{total.normalize():f}"})
    for ind in indicators:
        try:
            ind.full_clean()
            _check_rule_for_direction(ind, template.direction)
        except ValidationError as exc:
            problems.append(f"{ind.code} {ind.name}：{'；'.join(exc.messages)}")
    return problems


def template_publish(*, actor, template: IndicatorTemplate) -> IndicatorTemplate:
    """Publish a draft whose weights sum to exactly 100; the previous published version is superseded."""
    _require_manager(actor, template)
    with transaction.atomic():
        template = IndicatorTemplate.objects.select_for_update().get(pk=template.pk)
        _require_draft(template)
        problems = template_problems(template)
        if problems:
            raise ServiceError("；".join(problems))
        TEMPLATE_FLOW.bulk_transition(IndicatorTemplate.objects.filter(
            region=template.region, direction=template.direction, status=TemplateStatus.PUBLISHED),
            "supersede", actor=actor, internal=True)
        template = TEMPLATE_FLOW.transition(template, "publish", actor=actor, internal=True,
                                            changes={"published_at": timezone.now()})
        record_event("evaluation.template_publish", template, after={"version": template.version})
    return template


IMPORT_HEADERS = ["编号", "一级指标", "指标名称", "评分标准说明", "权重", "评分方式", "打分满分", "核查项", "每次扣分",
                  "数据来源", "换算方式"]


def _choice(value, choices, label):
    value = str(value or "").strip()
    for code, text in choices:
        if value in (code, str(text)):
            return code
    raise ValidationError(_("“%(label)s”无法识别：%(v)s") % {"label": label, "v": value})


def template_export_rows(template: IndicatorTemplate):
    for ind in template.indicators.all():
        yield [ind.code, ind.group, ind.name, ind.description, ind.weight, ind.get_rule_display(), ind.max_points,
               "；".join(ind.checklist), ind.deduction, ind.source_key, ind.get_mapping_display() if ind.mapping else ""]


def template_import(*, actor, template: IndicatorTemplate, upload):
    """Replace a draft's indicators from an Excel/CSV sheet: all rows or none, errors per row, weights = 100."""
    from zhengshe.utilities.excel import read_table, run_import

    _require_manager(actor, template)
    _require_draft(template)
    rows = read_table(upload, IMPORT_HEADERS, required=["编号", "一级指标", "指标名称", "权重", "评分方式"])

    def handle(number, record, report):
        rule = _choice(record.get("评分方式"), Rule.choices, "评分方式")
        mapping = _choice(record.get("换算方式"), Mapping.choices, "换算方式") if record.get("换算方式") else ""
        checklist = [c.strip() for c in str(record.get("核查项") or "").replace(";", "；").split("；") if c.strip()]
        data = {"code": str(record.get("编号") or "").strip(), "group": str(record.get("一级指标") or "").strip(),
                "name": str(record.get("指标名称") or "").strip(),
                "description": str(record.get("评分标准说明") or ""),
                "weight": to_decimal(record.get("权重"), label="权重"), "rule": rule,
                "max_points": to_decimal(record.get("打分满分"), label="打分满分") or Decimal("10"),
                "checklist": checklist, "deduction": to_decimal(record.get("每次扣分"), label="每次扣分") or Decimal("0"),
                "source_key": str(record.get("数据来源") or "").strip(), "mapping": mapping, "position": number}
        try:
            indicator_save(actor=actor, template=template, data=data)
        except ServiceError as exc:
            raise ValidationError(exc.message) from exc
        report.created += 1

    def finish(report):
        total = sum((i.weight for i in template.indicators.all()), Decimal("0"))
        if total != HUNDRED:
            report.add(0, _("各指标权重合计为 %(t)s，须等于 100。") % {"t": f"{total.normalize():f}"})

    with transaction.atomic():
        for old in template.indicators.all():
            old.delete()
        report = run_import(rows, handle, finish=finish)
        if not report.ok:
            transaction.set_rollback(True)
    if report.ok:
        record_event("evaluation.template_import", template, after={"rows": report.created})
    return report


# ---------------------------------------------------------------- rounds


def round_create(*, actor, region: Region, year: int, title: str, templates: dict, **settings_) -> Round:
    """Open a round for ``year`` over ``region``'s subtree and build its units (and surveys)."""
    if region.level not in ("county", "town"):
        raise ServiceError(_("评估轮次由区（县）或镇（街道）组织。"))
    round_ = Round(region=region, year=year, title=title.strip(), created_by=actor, **templates, **settings_)
    _require_manager(actor, round_)
    round_.grade_bands = validate_bands(round_.grade_bands)
    round_.departments = sorted({str(d).strip() for d in round_.departments if str(d).strip()})
    round_.full_clean(exclude=["created_by"])
    with transaction.atomic():
        round_.save()
        round_build_units(actor=actor, round_=round_)
        record_event("evaluation.round_create", round_, after=snapshot(round_))
    return round_


def round_update(*, actor, round_: Round, data: dict) -> Round:
    """Change a round's settings while it is being prepared; units are rebuilt."""
    _require_manager(actor, round_)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != RoundStatus.DRAFT:
            raise ServiceError(_("评估已启动，不能再修改设置。"))
        for field, value in data.items():
            setattr(round_, field, value)
        round_.grade_bands = validate_bands(round_.grade_bands)
        round_.full_clean(exclude=["created_by"])
        round_.save()
        round_build_units(actor=actor, round_=round_)
    return round_


def department_names(round_: Round, town: Region) -> list[str]:
    """The departments graded in ``town``: the round's explicit list plus departments of the town's staff."""
    from zhengshe.accounts.models import RoleAssignment

    names = {d if d.startswith(town.name) else f"{town.name}{d}" for d in round_.departments}
    names |= set(RoleAssignment.objects.filter(region=town, role=Role.TOWN_STAFF, active=True)
                 .exclude(department="").values_list("department", flat=True))
    return sorted(names)


def _short_token() -> str:
    import secrets

    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def round_build_units(*, actor, round_: Round) -> int:
    """Create the round's units (bulk, idempotent): every committee below, each town government and its departments.

    Bulk inserts skip the per-row change log, so one typed event records what was built.
    """
    if round_.status != RoundStatus.DRAFT:
        raise ServiceError(_("评估已启动，参评单位已固定。"))
    existing = set(Unit.objects.filter(round=round_).values_list("kind", "region_id", "department"))
    towns = list(Region.objects.filter(path__under=round_.region.path, level="town", is_active=True)
                 .order_by("path"))
    villages = Region.objects.filter(path__under=round_.region.path, level="village", is_active=True
                                     ).select_related("parent").order_by("path")
    new = []
    for village in villages:
        if (UnitKind.COMMITTEE, village.pk, "") not in existing:
            new.append(Unit(round=round_, kind=UnitKind.COMMITTEE, region=village,
                            name=f"{village.parent.name if village.parent else ''}{village.name}"))
    for town in towns:
        if round_.template_government_id and (UnitKind.GOVERNMENT, town.pk, "") not in existing:
            new.append(Unit(round=round_, kind=UnitKind.GOVERNMENT, region=town, name=_("%s人民政府") % town.name
                            if town.name.endswith("镇") else _("%s办事处") % town.name))
        if round_.template_department_id:
            for dept in department_names(round_, town):
                if (UnitKind.DEPARTMENT, town.pk, dept) not in existing:
                    new.append(Unit(round=round_, kind=UnitKind.DEPARTMENT, region=town, department=dept,
                                    name=dept))
    Unit.objects.bulk_create(new, batch_size=2000)
    if round_.template_residents_committee_id or round_.template_residents_government_id:
        have = set(Survey.objects.filter(round=round_).values_list("unit_id", flat=True))
        surveys = [Survey(round=round_, unit=u, token=_short_token())
                   for u in Unit.objects.filter(round=round_, kind=UnitKind.COMMITTEE).exclude(pk__in=have)]
        Survey.objects.bulk_create(surveys, batch_size=2000)
    if new:
        record_event("evaluation.units_built", round_, after={"units": len(new)})
    return len(new)


def round_transition(*, actor, round_: Round, action: str, comment: str = "") -> Round:
    """Move a round through its workflow; closing scoring computes the results, publishing opens 公示."""
    from .aggregation import round_compute_results

    def before_save(locked):
        if action == "publish":
            today = timezone.localdate()
            locked.publicity_start = today
            locked.publicity_end = today + timedelta(days=max(1, locked.publicity_days) - 1)

    with transaction.atomic():
        round_ = ROUND_FLOW.transition(round_, action, actor=actor, comment=comment, before_save=before_save)
        if action == "close_scoring":
            round_compute_results(actor=actor, round_=round_)
            round_.refresh_from_db()
    return round_


def round_set_separation(*, actor, round_: Round, required: bool, reason: str = "") -> Round:
    """Turn separation of duties on or off for one round; turning it off needs a recorded reason (audited)."""
    _require_manager(actor, round_)
    if not required and not reason.strip():
        raise ServiceError(_("关闭职责分离须填写理由。"), fields={"reason": [_("此项为必填项。")]})
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status == RoundStatus.FINAL:
            raise ServiceError(_("结果已确定，不能再修改职责分离设置。"))
        before = {"separate_duties": round_.separate_duties, "separation_waiver": round_.separation_waiver}
        round_.separate_duties = required
        round_.separation_waiver = "" if required else reason.strip()
        round_.save(update_fields=["separate_duties", "separation_waiver", "updated_at"])
        record_event("evaluation.round_separation", round_, before=before,
                     after={"separate_duties": required, "separation_waiver": round_.separation_waiver})
    return round_


def panelist_add(*, actor, round_: Round, user, kind: str = PanelKind.PANEL, agency: str = "") -> Panelist:
    """Add an evaluation panel member (expert, district/town worker) or a third-party agency's evaluator."""
    _require_manager(actor, round_)
    if kind == PanelKind.PANEL:
        roles = Scope.for_user(user).roles_covering(round_.region.path)
        if not roles & {Role.EXPERT, Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.LEADER} and not \
                Scope.for_user(user).has_role(Role.EXPERT, Role.DISTRICT_ADMIN):
            raise ServiceError(_("评估组成员须为专家或区（县）、镇（街道）工作人员。"))
    if round_.status in (RoundStatus.PUBLICITY, RoundStatus.FINAL):
        raise ServiceError(_("评估已结束评分，不能再增加评分人。"))
    panelist, created = Panelist.objects.get_or_create(round=round_, user=user,
                                                       defaults={"kind": kind, "agency": agency})
    if not created:
        raise ServiceError(_("该用户已是本轮评分人。"))
    return panelist


# ---------------------------------------------------------------- who may score what


def scorable_kind(actor, unit: Unit) -> tuple[str, Region | None] | None:
    """The sheet kind ``actor`` may fill for ``unit`` (and for which committee), or None."""
    round_ = unit.round
    scope = Scope.for_user(actor)
    if unit.kind == UnitKind.COMMITTEE:
        panel = Panelist.objects.filter(round=round_, user=actor).first()
        if panel is not None:
            return (SheetKind.THIRD_PARTY if panel.kind == PanelKind.THIRD_PARTY else SheetKind.PANEL), None
        if Role.VILLAGE_STAFF in scope.roles_covering(unit.region.path):
            return SheetKind.SELF, unit.region
        return None
    # Government side: each committee of the town grades it; the town itself self-assesses.
    own = [g for g in scope.grants_for({Role.VILLAGE_STAFF}) if g.region_path and g.region_path.startswith(
        unit.region.path) and g.region_path != unit.region.path]
    if own:
        committee = Unit.objects.filter(round=round_, kind=UnitKind.COMMITTEE, region_id=own[0].region_id).first()
        if committee is not None:
            return SheetKind.COMMITTEE, committee.region
    if Role.TOWN_STAFF in scope.roles_covering(unit.region.path) and is_unit_party(actor, unit):
        return SheetKind.SELF, unit.region  # a department assesses itself, not its neighbours
    return None


def _phase_for(kind: str) -> set[str]:
    if kind == SheetKind.SELF:
        return {RoundStatus.SELF_ASSESSMENT, RoundStatus.SCORING}
    return {RoundStatus.SCORING}


def _check_schedule(round_: Round, kind: str, today=None) -> None:
    """Sheets close at their deadline (self-assessment at ``self_end``, the rest at ``scoring_end``)."""
    today = today or timezone.localdate()
    if round_.status not in _phase_for(kind):
        raise ServiceError(_("当前阶段（%s）不能填写此评分表。") % round_.get_status_display())
    deadline = round_.self_end if kind == SheetKind.SELF else round_.scoring_end
    if deadline and today > deadline:
        raise ServiceError(_("填写截止日期（%s）已过。") % deadline)


def _check_conflict(actor, unit: Unit) -> None:
    if ConflictDeclaration.objects.filter(unit=unit, user=actor).exists():
        raise NotAllowed(_("您已声明与“%s”存在利益冲突，不能为其评分。") % unit.name)


def sheet_open(*, actor, unit: Unit) -> ScoreSheet:
    """The actor's sheet for ``unit`` (created on first use), after checking phase, role and conflicts."""
    found = scorable_kind(actor, unit)
    if found is None:
        raise NotAllowed(_("您不是该单位的评分人。"))
    kind, on_behalf = found
    unit.round = Round.objects.get(pk=unit.round_id)
    _check_schedule(unit.round, kind)
    if kind != SheetKind.SELF:
        _check_conflict(actor, unit)
    lookup = {"unit": unit, "kind": kind}
    if kind in (SheetKind.PANEL, SheetKind.THIRD_PARTY):
        lookup["scorer"] = actor
    else:
        lookup["on_behalf"] = on_behalf
    with transaction.atomic():
        sheet = ScoreSheet.objects.filter(**lookup).first()
        if sheet is None:
            sheet = ScoreSheet.objects.create(round=unit.round, **{"scorer": actor, **lookup})
    return sheet


def sheet_indicators(sheet: ScoreSheet) -> list[Indicator]:
    """The indicators a person fills on this sheet (computed and survey indicators are the system's)."""
    template = sheet.round.template_for(sheet.unit.direction)
    if template is None:
        return []
    return [i for i in template.indicators.all() if i.rule in (Rule.SCALE, Rule.CHECKLIST, Rule.DEDUCTION)]


def sheet_save(*, actor, sheet: ScoreSheet, entries: dict, comment: str = "", submit: bool = False) -> ScoreSheet:
    """Save a sheet's scores ({indicator_id: {"value", "checked", "comment", "evidence_link"}}), optionally submit.

    Blank entries stay missing (handled by the round's missing-score rule). A conflicted scorer is refused here,
    whatever the screen showed.
    """
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().select_related("unit", "round").get(pk=sheet.pk)
        if sheet.scorer_id != actor.pk:
            raise NotAllowed(_("只能由填写人修改此评分表。"))
        if sheet.status != SheetStatus.DRAFT:
            raise ServiceError(_("评分表已提交，不能再修改。"))
        _check_schedule(sheet.round, sheet.kind)
        if sheet.kind != SheetKind.SELF:
            _check_conflict(actor, sheet.unit)
        indicators = {i.pk: i for i in sheet_indicators(sheet)}
        errors = {}
        existing = {s.indicator_id: s for s in sheet.scores.all()}
        for key, entry in entries.items():
            indicator = indicators.get(int(key))
            if indicator is None:
                raise ServiceError(_("指标不属于此评分表。"))
            try:
                points = manual_points(indicator, entry.get("value"), entry.get("checked"))
            except ValidationError as exc:
                errors[f"ind_{indicator.pk}"] = exc.messages
                continue
            score = existing.get(indicator.pk)
            if points is None:
                if score is not None:
                    score.delete()
                continue
            score = score or Score(sheet=sheet, indicator=indicator)
            score.value = to_decimal(entry.get("value")) if indicator.rule != Rule.CHECKLIST else None
            score.checked = sorted({int(i) for i in entry.get("checked") or []})
            score.points = points
            score.comment = entry.get("comment", "") or ""
            score.evidence_link = entry.get("evidence_link", "") or ""
            score.full_clean(exclude=["sheet", "indicator"])
            score.save()
        if errors:
            raise ServiceError(_("部分评分有误，请检查标出的指标。"), fields=errors)
        sheet.comment = comment
        sheet.save()
        if submit:
            if not sheet.scores.exists():
                raise ServiceError(_("尚未填写任何指标，不能提交。"))
            sheet = SHEET_FLOW.transition(sheet, "submit", actor=actor, internal=True,
                                          changes={"submitted_at": timezone.now()})
            record_event("evaluation.sheet_submit", sheet, after={"scores": sheet.scores.count()})
    return sheet


def conflict_declare(*, actor, unit: Unit, reason: str) -> ConflictDeclaration:
    """Declare a conflict of interest with ``unit``; from now on the actor's scores for it are refused and ignored."""
    if not reason.strip():
        raise ServiceError(_("请说明利益关系。"), fields={"reason": [_("此项为必填项。")]})
    found = scorable_kind(actor, unit)
    if found is None or found[0] == SheetKind.SELF:
        raise NotAllowed(_("您不是该单位的评分人。"))
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(
            unit=unit, user=actor, defaults={"round": unit.round, "reason": reason.strip()})
        if created:
            record_event("evaluation.conflict_declare", declaration, after={"unit": unit.name, "reason": reason})
    return declaration


# ---------------------------------------------------------------- evidence

SIGNATURES = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"PK\x03\x04", "application/zip", (".docx", ".xlsx", ".zip")),
]


def sniff(head: bytes, filename: str) -> str | None:
    """The content type proven by the file's first bytes, if it matches its extension; else None."""
    name = filename.lower()
    for magic, ctype, extensions in SIGNATURES:
        if head.startswith(magic) and name.endswith(extensions):
            return ctype
    return None


def evidence_add(*, actor, sheet: ScoreSheet, upload=None, link: str = "", description: str = "",
                 indicator: Indicator | None = None) -> Evidence:
    """Attach a file (size-limited, type checked by content, stored outside the web root) or a link."""
    if sheet.scorer_id != actor.pk:
        raise NotAllowed(_("只能由填写人上传佐证材料。"))
    if sheet.status != SheetStatus.DRAFT:
        raise ServiceError(_("评分表已提交，不能再添加佐证材料。"))
    evidence = Evidence(sheet=sheet, indicator=indicator, uploaded_by=actor, description=description.strip()[:200])
    if upload is not None:
        limit = getattr(settings, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
        if upload.size > limit:
            raise ServiceError(_("文件过大（上限 %d MB）。") % (limit // (1024 * 1024)))
        head = upload.read(16)
        upload.seek(0)
        ctype = sniff(head, upload.name)
        if ctype is None:
            raise ServiceError(_("只接受 PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）文件，且文件内容须与扩展名一致。"))
        evidence.original_name = upload.name[-200:]
        evidence.content_type = ctype
        evidence.size = upload.size
        evidence.file = upload
    elif link.strip():
        if not link.strip().lower().startswith(("http://", "https://", "/")):
            raise ServiceError(_("链接须以 http:// 或 https:// 开头。"))
        evidence.link = link.strip()
    else:
        raise ServiceError(_("请上传文件或填写链接。"))
    evidence.save()
    return evidence


# ---------------------------------------------------------------- objections


def is_unit_party(actor, unit: Unit) -> bool:
    """The evaluated unit itself: a committee's own workers, or the town's staff for the government side."""
    roles = Scope.for_user(actor).roles_covering(unit.region.path)
    if unit.kind == UnitKind.COMMITTEE:
        return Role.VILLAGE_STAFF in roles
    if Role.TOWN_STAFF not in roles:
        return False
    if unit.kind == UnitKind.DEPARTMENT:
        from zhengshe.accounts.models import RoleAssignment

        departments = set(RoleAssignment.objects.filter(user=actor, role=Role.TOWN_STAFF, active=True)
                          .values_list("department", flat=True))
        return unit.department in departments or "" in departments
    return True


# ---------------------------------------------------------------- consequences


def consequence_propose(*, actor, unit: Unit, kind: str, amount=None, reason: str) -> Consequence:
    """Propose one consequence of a published result; nothing changes until a person confirms it."""
    from zhengshe.utilities.money import to_yuan

    round_ = Round.objects.get(pk=unit.round_id)
    _require_manager(actor, round_)
    if round_.status not in (RoundStatus.PUBLICITY, RoundStatus.FINAL):
        raise ServiceError(_("结果公示后才能提出结果运用建议。"))
    if not reason.strip():
        raise ServiceError(_("请填写依据。"), fields={"reason": [_("此项为必填项。")]})
    money = to_yuan(to_decimal(amount) or 0)
    if kind in (ConsequenceKind.WITHHOLD, ConsequenceKind.AWARD):
        if unit.kind != UnitKind.COMMITTEE:
            raise ServiceError(_("经费扣减或奖励只适用于村（居）委会的协议。"))
        if money <= 0:
            raise ServiceError(_("金额须大于 0。"), fields={"amount": [_("金额须大于 0。")]})
        result = UnitResult.objects.filter(unit=unit).first()
        if result is None or not result.is_rated:
            raise ServiceError(_("“%(u)s”的结果未评定或为暂定（%(n)s），不能提出经费扣减或奖励。") % {
                "u": unit.name, "n": result.note if result else _("尚无结果")})
    consequence = Consequence(round=round_, unit=unit, kind=kind, amount=money, reason=reason.strip(),
                              proposed_by=actor)
    if kind == ConsequenceKind.FLAG:
        consequence.next_year = round_.year + 1
    else:
        agreement = _agreement_for(unit.region, round_.year)
        if agreement is not None:
            consequence.agreement_id = agreement.pk
            consequence.agreement_repr = str(agreement)[:255]
    with transaction.atomic():
        consequence.save()
        record_event("evaluation.consequence_propose", consequence, after=snapshot(consequence))
    return consequence


def _agreement_for(region, year):
    from zhengshe.agreements.interface import agreement_for

    return agreement_for(region, year)


def consequences_suggest(*, actor, round_: Round) -> list[Consequence]:
    """Proposals from the grade bands (a band may carry "withhold"/"award" yuan) and weak indicators (< 60%)."""
    from .models import IndicatorResult

    _require_manager(actor, round_)
    created = []
    pending = set(Consequence.objects.filter(round=round_).exclude(status=ConsequenceStatus.REJECTED)
                  .values_list("unit_id", "kind"))
    bands = {b["label"]: b for b in round_.grade_bands}
    results = UnitResult.objects.filter(round=round_, unit__kind=UnitKind.COMMITTEE,
                                        rating=ResultRating.RATED).select_related("unit")
    for result in results:
        band = bands.get(result.grade, {})
        for kind in (ConsequenceKind.WITHHOLD, ConsequenceKind.AWARD):
            if band.get(kind) and (result.unit_id, kind) not in pending:
                created.append(consequence_propose(
                    actor=actor, unit=result.unit, kind=kind, amount=band[kind],
                    reason=_("评估等次为“%(g)s”（总分 %(t)s），按本轮等次规则建议%(k)s %(a)s 元。") % {
                        "g": result.grade, "t": result.final_total, "k": ConsequenceKind(kind).label,
                        "a": band[kind]}))
    weak = (IndicatorResult.objects.filter(round=round_, unit__kind=UnitKind.COMMITTEE, missing=False,
                                           unit__result__rating=ResultRating.RATED, ratio__lt=Decimal("0.6")).select_related("unit", "indicator")
            .order_by("unit_id", "indicator__position"))
    by_unit: dict = {}
    for row in weak:
        by_unit.setdefault(row.unit, []).append(row)
    for unit, rows in by_unit.items():
        if (unit.pk, ConsequenceKind.FLAG) in pending:
            continue
        names = "、".join(f"{r.indicator.code} {r.indicator.name}（得分率 {r.ratio:.0%}）" for r in rows)
        created.append(consequence_propose(actor=actor, unit=unit, kind=ConsequenceKind.FLAG,
                                           reason=_("以下指标得分率低于 60%%，建议在下年度协议中重点约定：%s") % names))
    return created


def consequence_decide(*, actor, consequence: Consequence, confirm: bool, note: str = "") -> Consequence:
    """A person confirms (money moves on the agreement's funds ledger via ``funds_adjust``) or rejects a proposal."""
    _require_manager(actor, consequence.round)
    with transaction.atomic():
        consequence = Consequence.objects.select_for_update().select_related("unit", "round").get(pk=consequence.pk)
        if consequence.status != ConsequenceStatus.PROPOSED:
            raise ServiceError(_("该建议已处理。"))
        decision = {"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()}
        if confirm and consequence.kind in (ConsequenceKind.WITHHOLD, ConsequenceKind.AWARD):
            entry = _apply_money(actor, consequence)
            decision["ledger_reference"] = str(getattr(entry, "pk", entry) or "")[:64]
        consequence = CONSEQUENCE_FLOW.transition(
            consequence, "confirm" if confirm else "reject", actor=actor, comment=decision["decision_note"],
            changes=decision, internal=True)
        record_event("evaluation.consequence_" + ("confirm" if confirm else "reject"), consequence,
                     after={"kind": consequence.kind, "amount": consequence.amount,
                            "ledger": consequence.ledger_reference, "note": consequence.decision_note})
    return consequence


def _apply_money(actor, consequence: Consequence):
    from zhengshe.agreements import interface as agreements

    agreement = agreements.agreement_by_pk(consequence.agreement_id) or _agreement_for(consequence.unit.region, consequence.round.year)
    if agreement is None:
        raise ServiceError(_("未找到“%s”本年度已签订的协议，无法记入经费台账。") % consequence.unit.name)
    consequence.agreement_id = agreement.pk
    consequence.agreement_repr = str(agreement)[:255]
    return agreements.funds_adjust(
        actor=actor, agreement=agreement, kind=consequence.kind, amount=consequence.amount,
        reason=consequence.reason, source="evaluation", reference=f"evaluation.consequence:{consequence.pk}")


# Objections live in their own module (four-eyes answers); re-exported here, where views and the API look.
from .objections import objection_answer, objection_confirm, objection_file  # noqa: E402, F401
