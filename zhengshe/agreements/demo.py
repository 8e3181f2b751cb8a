"""Demo: 双凤镇 drafts the year's agreements for all its committees; 新湖村 negotiates and signs (as in 2010).

Runs after the catalog demo; without a published assisted list it creates nothing and says so.
Idempotent: a second run finds the template and the agreements and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SHUANGFENG = "320585105"


def seal_png(text: str, number: str) -> bytes:
    """A round red seal image (for the demo PDF): ring, star and the unit's name."""
    from django.conf import settings
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGBA", (360, 360), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    red = (200, 20, 20, 255)
    draw.ellipse((10, 10, 350, 350), outline=red, width=12)
    cx, cy, r = 180, 180, 48
    import math

    points = [(cx + (r if i % 2 == 0 else r * 0.4) * math.sin(i * math.pi / 5),
               cy - (r if i % 2 == 0 else r * 0.4) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(points, fill=red)
    try:
        font = ImageFont.truetype(settings.PDF_CJK_FONT, 30)
        small = ImageFont.truetype(settings.PDF_CJK_FONT, 20)
    except OSError:
        font = small = ImageFont.load_default()
    for i, ch in enumerate(text):  # characters along the upper arc
        angle = math.pi * (0.85 + 1.3 * i / max(1, len(text) - 1))
        x, y = cx + 130 * math.cos(angle), cy + 130 * math.sin(angle)
        draw.text((x, y), ch, font=font, fill=red, anchor="mm")
    draw.text((cx, cy + 95), number, font=small, fill=red, anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def xinhu_council(county):
    """新湖村's residents' council ("2+1" party B), whose representative signs in as ``lishihui``."""
    from zhengshe.regions.models import Region

    from .models import ResidentsCouncil

    xinhu = Region.objects.get(parent__code="320585105", level="village", name="新湖村")  # 双凤镇's
    council, _created = ResidentsCouncil.objects.get_or_create(region=xinhu, name="新湖村居民自治理事会",
                                                               defaults={"chair": "吴桂英"})
    return council


def build(ctx) -> None:
    from zhengshe.regions.models import Region

    from . import services
    from .models import Agreement, AgreementTemplate, DraftingJob

    town = Region.objects.filter(code=SHUANGFENG).first()
    staff, xinhu_user, other_user = (ctx.users.get(u) for u in ("shuangfeng", "xinhu", "cunwei2"))
    if town is None or staff is None:
        ctx.say("协议：未找到双凤镇或其工作人员，未生成协议。")
        return
    year = timezone.localdate().year
    if services.assisted_list_for(town) is None:
        ctx.say("协议：清单演示数据中没有已发布的协助政府工作事项清单，未生成协议。")
        return
    _council_agreement(ctx, services, xinhu_user, ctx.users.get("lishihui"), year)
    template = AgreementTemplate.objects.filter(region=town, year=year, kind="standard").first()
    if template is None:
        template = services.template_create(actor=staff, region=town, year=year, number_prefix="双凤协",
                                            party_a_department="")
    job = services.drafting_start(actor=staff, template=template)
    if not job.finished:  # no worker in the demo: run the queued job here
        job = services.drafting_run(job.pk)
    agreements = list(Agreement.objects.filter(template=template).select_related("party_b").order_by("party_b__code"))
    if any(a.status != "draft" for a in agreements):
        ctx.say(f"协议：双凤镇 {year} 年度协议已存在（{len(agreements)} 份），跳过。")
        return
    xinhu = next((a for a in agreements if a.party_b.name == "新湖村"), None)
    signed = 0
    if xinhu is not None and xinhu_user is not None:
        _negotiate_and_sign(ctx, services, xinhu, staff, xinhu_user, year, with_proposal=True)
        signed += 1
    others = [a for a in agreements if a is not xinhu]
    signers = []
    other_region = other_user.role_assignments.first().region if other_user else None
    for n, agreement in enumerate(others[:5]):
        if other_region and agreement.party_b_id == other_region.pk:
            continue
        village_user = _village_signer(agreement.party_b)
        signers.append(village_user)
        _negotiate_and_sign(ctx, services, agreement, staff, village_user, year, late=(n == 1))
        signed += 1
    pending = next((a for a in others if other_region and a.party_b_id == other_region.pk), None)
    if pending is not None:
        pending = services.agreement_transition(actor=staff, agreement=pending, action="submit")
        services.note_add(actor=other_user, agreement=pending,
                          text="我村外来人口较多，建议人口普查事项的完成时限延后一个月，并请镇里提供入户登记培训。")
    ctx.say(f"协议：双凤镇 {year} 年度为 {len(agreements)} 个村（社区）批量起草协议，已签署 {signed} 份"
            f"（含新湖村），{DraftingJob.objects.filter(template=template).count()} 个起草任务。")
    if signers:
        ctx.say("协议：其他签约村（社区）的工作人员账号（未设密码，由安全管理员重置后使用）："
                + "、".join(f"{u.username}（{u.display_name}）" for u in signers))


def _village_signer(region):
    """A worker account for a committee without a demo login (so its side can sign in the demo)."""
    from zhengshe.accounts.models import RoleAssignment, User

    username = f"cun{region.code[-3:]}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=f"{region.name}工作人员", must_change_password=True)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role="village_staff", region=region)
    return user


def _negotiate_and_sign(ctx, services, agreement, staff, village_user, year, *, with_proposal=False, late=False):
    from .models import Agreement

    agreement = services.agreement_transition(actor=staff, agreement=agreement, action="submit")
    if with_proposal:
        item = agreement.items.filter(funding_amount__gt=0).order_by("position").first()
        if item is not None:
            proposed = (item.funding_amount * Decimal("1.2")).quantize(Decimal("0.01"))
            note = services.note_add(
                actor=village_user, agreement=agreement, item=item, field="funding_amount",
                proposed_value=str(proposed),
                text=f"我村是农业型村庄，{item.title}工作量大，建议经费提高两成。")
            services.proposal_decide(actor=staff, note=note, accept=True, response="经镇政府研究，同意调整。")
            agreement = Agreement.objects.get(pk=agreement.pk)
    services.agreement_confirm(actor=staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=village_user, agreement=agreement, revision=agreement.revision)
    b_name = agreement.party_b_name
    seal_b = SimpleUploadedFile("seal.png", seal_png(b_name.replace("委员会", ""), "3205850" + agreement.party_b.code[-5:]),
                                content_type="image/png") if with_proposal else None
    agreement = services.agreement_sign(actor=village_user, agreement=agreement, signer_name="张强" if with_proposal
                                        else "村委会主任", seal_number=f"村章-{agreement.party_b.code[-3:]}",
                                        seal_image=seal_b)
    seal_a = SimpleUploadedFile("seal.png", seal_png("太仓市双凤镇人民政府", "3205850105"),
                                content_type="image/png") if with_proposal else None
    agreement = services.agreement_sign(actor=staff, agreement=agreement, signer_name="陈红",
                                        seal_number="双凤镇人民政府 3205850105", seal_image=seal_a)
    agreement = services.agreement_transition(actor=staff, agreement=agreement, action="activate")
    first = agreement.instalments.order_by("number").first()
    if first is not None:
        paid_on = first.due_date + dt.timedelta(days=12 if late else -3)
        paid_on = min(paid_on, timezone.localdate())
        services.instalment_pay(actor=staff, instalment=first, paid_on=paid_on,
                                voucher_number=f"双凤财-{year}-{agreement.party_b.code[-3:]}")
    for n, item in enumerate(agreement.items.order_by("position")[:6]):
        status = "done" if n % 3 != 2 else "in_progress"
        services.progress_report(actor=village_user, item=item, status=status,
                                 note="" if status == "done" else "按计划推进，年底前完成。")
    return agreement


def _council_agreement(ctx, services, committee_user, council_user, year) -> None:
    """"2+1": 新湖村 (party A) and its residents' council (party B, signing through its own account lishihui)."""
    from .models import Agreement, AgreementTemplate, ResidentsCouncil

    if committee_user is None or council_user is None:
        return
    grant = council_user.role_assignments.filter(role="council_rep", active=True, target_kind="council").first()
    council = ResidentsCouncil.objects.select_related("region").filter(pk=getattr(grant, "target_id", None)).first()
    if council is None:
        return
    village = council.region
    if Agreement.objects.filter(council=council, year=year).exclude(status="draft").exists():
        return
    if services.assisted_list_for(village, "council") is None:
        ctx.say("协议：没有已发布的“2+1”第三份清单，未生成理事会协议。")
        return
    template = AgreementTemplate.objects.filter(region=village, year=year, kind="council").first() or \
        services.template_create(actor=committee_user, region=village, year=year, kind="council")
    job = services.drafting_start(actor=committee_user, template=template)
    if not job.finished:
        services.drafting_run(job.pk)
    agreement = Agreement.objects.get(council=council, year=year)
    agreement = services.agreement_transition(actor=committee_user, agreement=agreement, action="submit")
    services.agreement_confirm(actor=committee_user, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=council_user, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_sign(actor=council_user, agreement=agreement, signer_name="吴桂英",
                                        seal_number="新湖村居民自治理事会章")
    agreement = services.agreement_sign(actor=committee_user, agreement=agreement, signer_name="张强",
                                        seal_number=f"村章-{village.code[-3:]}")
    services.agreement_transition(actor=committee_user, agreement=agreement, action="activate")
    ctx.say(f"协议：新湖村与{council.name}签订“2+1”协议（{agreement.items.count()} 项），"
            f"理事会代表 {council_user.username} 以乙方身份签署。")
