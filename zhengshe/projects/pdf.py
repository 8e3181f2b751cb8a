"""The contract (任务书) of a purchased service or venture-philanthropy project, as a PDF with the CJK font."""

from django.utils.translation import gettext as _

from zhengshe.utilities.dates import chinese_date, local_date, numeric_date
from zhengshe.utilities.money import format_yuan
from zhengshe.utilities.pdf import OfficialDocument


def contract_pdf(contract) -> bytes:
    """Parties, term, deliverables, every indicator with its target, the budget by line and every payment with its
    milestone — the money printed once, to the fen — and the two signatures."""
    application = contract.application
    call, org = application.call, application.organization
    doc = OfficialDocument(_("项目任务书（服务合同）"), issuer=call.buyer_region.name, doc_number=contract.number)
    doc.paragraph(_("购买方（甲方）：%s") % call.buyer_region.name, "plain")
    doc.paragraph(_("承接方（乙方）：%(o)s（统一社会信用代码 %(c)s）") % {"o": org.name, "c": org.credit_code or "—"},
                  "plain")
    doc.paragraph(_("依据“%(t)s”（%(n)s，%(k)s）的评审结果，甲方向乙方购买“%(p)s”项目服务，合同金额 %(a)s，"
                    "服务期自 %(s)s 至 %(e)s。") % {
        "t": call.title, "n": call.number, "k": call.get_kind_display(), "p": application.title,
        "a": format_yuan(contract.amount), "s": numeric_date(contract.starts_on), "e": numeric_date(contract.ends_on)})
    doc.heading(_("一、服务内容与成果"))
    doc.paragraph(contract.deliverables)
    doc.heading(_("二、绩效指标"))
    doc.table([_("序号"), _("指标"), _("目标值")],
              [[str(n), i["name"], i["target"]] for n, i in enumerate(contract.indicators, 1)])
    doc.heading(_("三、预算明细"))
    doc.table([_("序号"), _("支出事项"), _("金额（元）")],
              [[str(n), b["name"], _fen(b["amount"])]
               for n, b in enumerate(contract.budget_lines, 1)])
    doc.heading(_("四、节点与拨付"))
    rows = [[str(m.position), m.title, numeric_date(m.due_on), _fen(m.payment)] for m in contract.milestones.all()]
    rows.append(["", _("合计"), "", _fen(contract.amount)])
    doc.table([_("序号"), _("节点"), _("完成期限"), _("拨付金额（元）")], rows)
    doc.paragraph(_("每个节点经甲方验收合格后拨付对应款项；节点逾期或资金使用进度明显快于服务进度的，甲方可暂缓拨付。"))
    doc.signatures([
        {"party": _("甲方：%s") % call.buyer_region.name, "date": contract.buyer_signed_at},
        {"party": _("乙方：%s") % org.name, "date": contract.org_signed_at},
    ])
    if contract.buyer_signed_at is None:
        doc.paragraph(_("（%s 生成，尚未生效）") % chinese_date(local_date(contract.created_at)), "plain")
    return doc.render()


def _fen(value) -> str:
    from decimal import Decimal

    return f"{Decimal(str(value)):,.2f}"
