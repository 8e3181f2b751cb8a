"""The agreement as an official document (GB/T 9704 spirit) and the streamed ZIP of many of them."""

from __future__ import annotations

import zipfile
from decimal import Decimal

from reportlab.lib.units import mm

from zhengshe.utilities.dates import chinese_date, local_date
from zhengshe.utilities.money import format_yuan, to_yuan
from zhengshe.utilities.pdf import OfficialDocument

from .choices import AgreementStatus
from .effective import describe_line
from .services.plans import plan_after

# The mark an unsigned text carries: the status label already ends in 稿 for a draft (not "草稿稿").
DRAFT_MARKS = {AgreementStatus.DRAFT: "草稿", AgreementStatus.NEGOTIATING: "协商稿"}
DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def yuan_uppercase(value) -> str:
    """12345.60 → 壹万贰仟叁佰肆拾伍元陆角整 (the amount in words, as on Chinese financial documents)."""
    amount = to_yuan(value)
    negative = amount < 0
    fen_total = int(abs(amount) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        words += ("零" if yuan and yuan % 10 == 0 else "") + DIGITS[jiao] + "角"
    if fen:
        words += ("零" if yuan and not jiao else "") + DIGITS[fen] + "分"
    if not fen:
        words += "整"
    if not yuan and not rest:
        words = "零元整"
    return ("负" if negative else "") + words


def _integer_words(n: int) -> str:
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    out = ""
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(out)
            continue
        text = ""
        digits = f"{group:04d}"
        for pos, ch in enumerate(digits):
            d = int(ch)
            if d == 0:
                if text or out:
                    zero_pending = True
                continue
            if zero_pending and (text or out):
                text += "零"
            zero_pending = False
            text += DIGITS[d] + UNITS[3 - pos]
        if group < 1000 and out and not text.startswith("零"):
            text = "零" + text
        out += text + SECTIONS[index]
    return out


def _seal(field_file) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as fh:
            return fh.read()
    except OSError:
        return None


def agreement_pdf(agreement, items=None, instalments=None) -> bytes:
    """Render one agreement: title, number, parties, preamble, item table, money, clauses, signatures."""
    items = list(items if items is not None else agreement.items.filter(removed=False, added_by__isnull=True)
                 .order_by("position", "id"))
    if instalments is None:
        instalments = list(agreement.instalments.order_by("number"))
    doc = OfficialDocument(agreement.title)
    if agreement.number:
        doc.paragraph(agreement.number, "doc_no")
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING):
        doc.paragraph(f"（{DRAFT_MARKS[agreement.status]} · 第 {agreement.revision} 版 · 未经签署，仅供协商）", "doc_no")
    if agreement.status == AgreementStatus.TERMINATED:
        doc.paragraph(f"（本协议已提前终止：{agreement.terminated_reason}）", "doc_no")
    party_a = agreement.party_a_name + (f"（{agreement.party_a_department}）" if agreement.party_a_department else "")
    doc.spacer(2)
    doc.paragraph(f"甲方：{party_a}", "plain")
    doc.paragraph(f"乙方：{agreement.party_b_name}", "plain")
    doc.spacer(2)
    if agreement.clause_purpose:
        doc.paragraph(agreement.clause_purpose)
    total = sum((i.funding_amount for i in items), Decimal("0"))
    doc.heading("一、协助管理事项及要求")
    doc.paragraph(f"乙方在本协议履行期内协助甲方办理下列 {len(items)} 项事项，甲方为乙方提供相应条件和经费（费随事转）。")
    doc.table(
        ["序号", "事项", "工作要求", "甲方提供的条件", "经费（元）", "评估指标", "权重"],
        [[str(n), f"{i.number} {i.title}", i.requirements + (f"（{chinese_date(i.deadline)}前完成）"
                                                             if i.deadline else ""),
          i.conditions_text() or "—", f"{i.funding_amount:,.2f}", i.indicator, f"{i.weight.normalize()}"]
         for n, i in enumerate(items, start=1)]
        + [["", "合计", "", "", f"{total:,.2f}", "", "100"]],
        col_widths=[10 * mm, 32 * mm, 38 * mm, 32 * mm, 20 * mm, 22 * mm, 10 * mm])
    doc.heading("二、经费及拨付")
    plan = "；".join(f"{p.label}{format_yuan(p.amount)}，于{chinese_date(p.due_date)}前拨付" for p in instalments)
    doc.paragraph(f"本协议经费合计人民币{yuan_uppercase(total)}（{format_yuan(total)}），"
                  f"{plan or '按协议约定的拨付计划分期拨付'}。经费专款用于协助事项，接受甲方和审计部门监督。")
    doc.heading("三、履行期限")
    doc.paragraph(f"本协议履行期限自{chinese_date(agreement.term_start)}起至{chinese_date(agreement.term_end)}止。")
    doc.heading("四、一般条款")
    clauses = [f"【{label}】{getattr(agreement, name)}" for name, label in (
        ("clause_evaluation", "履约评估"), ("clause_breach_a", "甲方违约责任"), ("clause_breach_b", "乙方违约责任"),
        ("clause_dispute", "争议解决"), ("clause_other", "其他约定")) if getattr(agreement, name)]
    doc.clauses(clauses)
    doc.signatures([_block(agreement, "a", f"甲方（盖章）：{party_a}"),
                    _block(agreement, "b", f"乙方（盖章）：{agreement.party_b_name}")])
    return doc.render()


def _block(obj, side: str, party: str) -> dict:
    signed_at = getattr(obj, f"{side}_signed_at")
    seal_number = getattr(obj, f"{side}_seal_number")
    return {"party": party, "signer": getattr(obj, f"{side}_signer_name"),
            "date": local_date(signed_at),
            "seal": _seal(getattr(obj, f"{side}_seal_image", None)),
            "seal_text": f"（印章编号：{seal_number}）" if seal_number else "（盖章）"}


def amendment_pdf(amendment) -> bytes:
    """A supplementary agreement: refers to the original by number, its own clauses and signatures."""
    agreement = amendment.agreement
    doc = OfficialDocument(amendment.title)
    doc.paragraph(f"甲方：{agreement.party_a_name}", "plain")
    doc.paragraph(f"乙方：{agreement.party_b_name}", "plain")
    doc.paragraph(f"甲乙双方于{chinese_date(local_date(agreement.b_signed_at)) if agreement.b_signed_at else ''}签订的"
                  f"《{agreement.title}》（{agreement.number or '无编号'}）继续有效。经双方协商一致，订立补充协议如下：")
    lines = [line.strip() for line in amendment.content.splitlines() if line.strip()]
    described = [describe_line(line) for line in amendment.items.order_by("position", "id")]
    if described:
        lines.append("本补充协议对原协议事项作如下增加、终止或变更（见下表），原协议其余事项不变：")
    doc.clauses(lines)
    if described:
        doc.table(["类别", "事项", "内容", "原约定", "变更后", "经费增减（元）"],
                  [[d["kind"] + (f"（自{chinese_date(d['ends_on'])}起）" if d["ends_on"] else ""),
                    f"{d['number']} {d['title']}", label, old, new, f"{d['funding_change']:+,.2f}" if n == 0 else ""]
                   for d in described for n, (label, old, new) in enumerate(d["changes"])],
                  col_widths=[22 * mm, 32 * mm, 20 * mm, 37 * mm, 37 * mm, 22 * mm])
    tail = []
    if amendment.funding_delta:
        verb = "增加" if amendment.funding_delta > 0 else "减少"
        tail.append(f"原协议经费{verb}人民币{yuan_uppercase(abs(amendment.funding_delta))}"
                    f"（{format_yuan(abs(amendment.funding_delta))}）。")
    plan, planned = plan_after(amendment)
    if amendment.plan_rows.exists():
        tail.append("拨付计划相应调整为：" + "；".join(
            f"{p['label']}{format_yuan(p['amount'])}，于{chinese_date(p['due'])}前拨付"
            + ("（已拨付）" if p["paid_on"] else "（新增）" if p["changed"] == "new" else "（调整）" if p["changed"]
               else "") for p in plan) + f"，合计{format_yuan(planned)}。")
    tail.append("本补充协议与原协议具有同等效力；本补充协议未约定的，仍按原协议执行。")
    doc.clauses(tail, start=len(lines) + 1)
    doc.signatures([_block(amendment, "a", f"甲方（盖章）：{agreement.party_a_name}"),
                    _block(amendment, "b", f"乙方（盖章）：{agreement.party_b_name}")])
    return doc.render()


def pdf_filename(agreement) -> str:
    return f"{agreement.year}-{agreement.party_b.code}-{agreement.party_b_name}.pdf"


class _Sink:
    """A write-only stream for zipfile that hands out what was written so far (no seeking: data descriptors)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def write_zip(agreements, out):
    """Write a ZIP of the agreements' PDFs to ``out``; yields after each file (for progress)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for agreement in agreements.iterator(chunk_size=50) if hasattr(agreements, "iterator") else agreements:
            archive.writestr(pdf_filename(agreement), agreement_pdf(agreement))
            yield agreement


def stream_zip(agreements):
    """Generate a ZIP's bytes while the PDFs are rendered, so a town's download starts at once."""
    sink = _Sink()
    for _agreement in write_zip(agreements, sink):
        chunk = sink.take()
        if chunk:
            yield chunk
    yield sink.take()
