"""The refusal notice (拒绝执行告知书) as an official-document PDF."""

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.utilities.dates import chinese_date, numeric_date
from zhengshe.utilities.pdf import OfficialDocument

from .models import UnlistedAsk
from .selectors import admission_gap


def committee_name(region) -> str:
    """新湖村 → 新湖村民委员会; 东林社区 → 东林社区居民委员会."""
    name = region.name
    if region.is_community:
        return name + _("居民委员会")
    return (name[:-1] if name.endswith("村") else name) + _("村民委员会")


def refusal_notice_pdf(ask: UnlistedAsk) -> bytes:
    """Addressed to the asking department; names the community, what was asked, the rule, and the way in."""
    region = ask.region
    issuer = committee_name(region)
    doc = OfficialDocument(_("拒绝执行告知书"), issuer=issuer, doc_number=ask.notice_number)
    doc.paragraph(f"{ask.department}：", "plain")
    how = f"通过{ask.channel}" if ask.channel else ""
    who = f"（经办人：{ask.asker}）" if ask.asker else ""
    doc.paragraph(_("贵单位%(who)s于%(day)s%(how)s要求%(place)s承担“%(title)s”（%(kind)s）。%(content)s") % {
        "who": who, "day": numeric_date(ask.received_on), "how": how, "place": region.name, "title": ask.title,
        "kind": ask.get_kind_display(), "content": ask.content or ""})
    gap = admission_gap(region, ask.admission, ask.received_on) if ask.admission_id else ""
    if gap:
        doc.paragraph(_("经查，%s") % gap)
    else:
        doc.paragraph(_("经查，该事项不在%(place)s现行的《依法履职事项清单》《协助政府工作事项清单》之内，"
                        "也未列入准入登记簿。") % {"place": region.name})
    doc.paragraph(ask.rule_cited)
    doc.paragraph(_("据此，%(issuer)s决定对上述事项不予执行。如确需村（居）民委员会协助，请依照准入制度向领导小组"
                    "提出准入申请，经批准并列入准入登记簿、明确经费保障后再行布置。") % {"issuer": issuer})
    if ask.outcome_note:
        doc.paragraph(_("说明：%s") % ask.outcome_note)
    doc.paragraph(_("特此告知。"))
    doc.signatures([{"party": issuer, "signer": "", "date": ask.refused_on or timezone.localdate()}])
    doc.spacer(4).paragraph(_("抄送：镇（街道）政社互动工作办公室。本告知书一式两份，要求部门和%(issuer)s各执一份。"
                              "（%(day)s生成）") % {"issuer": issuer, "day": chinese_date(timezone.localdate())}, "small")
    return doc.render()
