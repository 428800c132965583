"""The text: what section 六 must state, text against tables, totals in the text, residue, slips."""

from __future__ import annotations

import re

from ..model import Report, Severity
from ..template import GUIDANCE_OPENINGS, T3_CARRIED, T3_FORWARD, T3_NEW, TABLE3, TABLE4
from ..text import compact
from . import Context, Finding, rule
from ._where import clip, places

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


def _sentences(report: Report) -> list[tuple[str, object, str]]:
    """(section number, paragraph, sentence without spaces) for the whole body, computed once."""

    def compute():
        return [
            (section.number, paragraph, sentence)
            for section in report.sections
            for paragraph in section.paragraphs
            for sentence in _SENTENCE.findall(compact(paragraph.text))
        ]

    return report.memo("sentences", compute)


def _t3_total(report: Report, row: str):
    table = report.tables[TABLE3.key]
    return table.value(row, "总计") if table.found else None


def _t4_cases(report: Report, groups) -> int | None:
    table = report.tables[TABLE4.key]
    if not table.found:
        return None
    values = [table.value(group, "总计") for group in groups]
    return None if any(v is None for v in values) else int(sum(values))


_CASE_GROUPS = {"行政复议": ("行政复议",), "行政诉讼": ("未经复议直接起诉", "复议后起诉")}


def _denied_cases(report: Report, sentence: str) -> tuple[str, str] | None:
    """(the phrase, what table 4 says) when the text denies cases that table 4 counts."""
    match = _NO_CASE.search(sentence)
    if not match:
        return None
    for kind in {match.group(3), match.group(4)} - {None}:
        count = _t4_cases(report, _CASE_GROUPS[kind])
        if count:
            return match.group(0), f"表四{kind}共 {count} 件"
    return None


# ---------------------------------------------------------------- section 六


@rule(
    code="X101",
    name="fee-statement",
    severity=ERROR,
    summary="第六部分说明本年度是否收取信息处理费（件数、金额）",
    message="第六部分没有说明本年度是否收取政府信息公开信息处理费。",
    hint="在第六部分写明：本年度（未）收取信息处理费；如收取，写明发出收费通知的件数和总金额。例如「本机关{year}未收取政府信息公开信息处理费。」",
)
def fee_statement(report: Report, context: Context):
    """国办 2021 年格式要求在第六部分报告《政府信息公开信息处理费管理办法》的执行情况，即使没有收费也要写明。"""
    if report.year is not None and report.year < 2021:
        return  # the 办法 applies from 2021
    section = report.section("六")
    text = compact(section.text if section.heading_found else "\n".join(p.text for p in report.paragraphs))
    if "处理费" in text or re.search(r"(收取|收费)[^。]{0,15}费|未收取[^。]{0,6}费用|(未|没有)(发生)?(收取|收费)", text):
        return
    yield Finding(params={"year": f"{report.year}年度" if report.year else "本年度"}, section="六", found=clip(text, 30) or "（空）", locator=section.locator)


# ---------------------------------------------------------------- totals stated in the text

_TOTAL_WITH_PARTS = re.compile(r"(\d+)(条|件|篇|个|次|项|期)[,，]?(其中|包括|含)(.*)")
_PART = re.compile(r"(\d+)(条|件|篇|个|次|项|期)")
# the total after its parts: 「…1条、…1条、…2条。累计共8条」 or 「…1条、…2条，合计5条」
_TOTAL_AFTER_PARTS = re.compile(r"(?:^|[,，、])(?:累计|合计|共计|总计|总共)[共计]?(\d+)(条|件|篇|个|次|项|期)")


def _total_after_parts(previous: str, sentence: str) -> tuple[int, list[int], str] | None:
    """(total, parts, the words quoted) when a sentence ends a list of parts with their total,
    in the same sentence or opening the next one."""
    match = _TOTAL_AFTER_PARTS.search(sentence)
    if not match:
        return None
    before, joint = sentence[: match.start()], ""
    if not _PART.search(before) and match.start() == 0:
        before, joint = previous, "。"
    total, unit = int(match.group(1)), match.group(2)
    parts = [int(n) for n, u in _PART.findall(before) if u == unit]
    quoted = ("…" if len(before) > 24 else "") + before[-24:] + joint + sentence[: match.end()]
    return (total, parts, quoted) if len(parts) >= 2 else None


@rule(
    code="X102",
    name="stated-total",
    severity=WARNING,
    summary="正文中「共N条，其中…」「…1条、…2条，累计共N条」的分项之和等于总数",
    message="第{section}部分写「{found}」：分项之和为 {parts}，与总数 {total} 不符。",
    hint="核对总数和各分项数字，使分项之和等于总数。",
)
def stated_total(report: Report, context: Context):
    """正文常写「主动公开信息63条，其中工作动态35条……」或先列分项再写「累计共N条」，分项之和应等于总数。"""
    previous = (None, "")
    for number, paragraph, sentence in _sentences(report):
        before, previous = (previous[1] if previous[0] is paragraph else ""), (paragraph, sentence)
        after = _total_after_parts(before, sentence)
        if after and sum(after[1]) != after[0]:
            total, parts, quoted = after
            yield Finding(
                params={"section": number, "parts": sum(parts), "total": total},
                section=number, found=quoted, expected=str(sum(parts)), locator=paragraph.locator,
            )
            continue
        match = _TOTAL_WITH_PARTS.search(sentence)
        if not match:
            continue
        total, unit, rest = int(match.group(1)), match.group(2), match.group(4)
        parts = [int(n) for n, u in _PART.findall(rest) if u == unit]
        if len(parts) >= 2 and (sum(parts) > total or (len(parts) >= 3 and sum(parts) != total)):
            yield Finding(
                params={"section": number, "parts": sum(parts), "total": total},
                section=number, found=clip(sentence, 50), expected=str(sum(parts)), locator=paragraph.locator,
            )


# ---------------------------------------------------------------- text against the tables

_RECEIVED = re.compile(r"(收到|受理|接收)[^，,。；]{0,12}?申请[^，,。；\d]{0,4}?(共|合计)?(\d+)(件|条|个|份)")
_NONE_RECEIVED = re.compile(
    r"(未|没有|无)(收到|受理|接到)(任何|过)?(政府信息公开|信息公开|依申请公开)(的)?申请"
    r"|(无|没有)依申请公开(事项|申请)|依申请公开[^。；]{0,6}(为零|为0|0件)"
)
_OTHER_SUBJECTS = re.compile(r"(复议|诉讼|处理费|投诉|举报)")
_ALL_DONE = re.compile(r"(均已|全部|均)(按期|按时|依法)?(办结|答复完毕|办理完毕)")
_NO_CASE = re.compile(r"(未|没有|无)(发生|收到|产生|出现)?[^。；，,]{0,12}?(行政复议|行政诉讼)(?:[、和及与]?(行政诉讼))?")
_HANDLING = re.compile(r"(处理|办理|答复|受理)")
_THIS_YEAR = re.compile(r"(本年|全年|今年|年内|本年度|20\d{2}年)")
_NEGATION = re.compile(r"(未|无|没有|零|0件)")
_CLAUSE = re.compile(r"[，,；;：:]")
_OTHER_YEAR = re.compile(r"(上年|去年|上一年|结转)")


@rule(
    code="X103",
    name="text-application-count",
    severity=WARNING,
    summary="正文写的收到申请件数与表三「本年新收」总计（或本年新收加上年结转）一致",
    message="第{section}部分写「{found}」，而表三「一、本年新收政府信息公开申请数量」总计为 {table_value}{with_carried}。",
    hint="核对正文和表三，使本年收到申请的件数一致。",
)
def text_application_count(report: Report, context: Context):
    """正文概述的申请件数应与表三一致，不一致说明其中之一填错；正文也常把上年结转的一并算作「受理」（749件＝新收713件＋结转36件）。"""
    new = _t3_total(report, T3_NEW)
    if new is None:
        return
    carried = _t3_total(report, T3_CARRIED) or 0
    accepted = {int(new), int(new + carried)}
    for number, paragraph, sentence in _sentences(report):
        match = _RECEIVED.search(sentence)
        if not match or _OTHER_YEAR.search(_CLAUSE.split(sentence[: match.start()])[-1] + match.group(0)):
            continue  # no count, or last year's count, or the count of the applications carried over
        if int(match.group(3)) not in accepted:
            with_carried = f"，加上年结转 {int(carried)} 件为 {int(new + carried)}" if carried else ""
            yield Finding(
                params={"section": number, "table_value": int(new), "with_carried": with_carried},
                section=number, found=match.group(0), expected=f"{int(new)}件", table=TABLE3.key, row=T3_NEW, column="总计",
                locator=paragraph.locator,
            )
            return


@rule(
    code="X104",
    name="text-contradicts-table",
    severity=ERROR,
    summary="正文说「未收到申请」「未发生行政复议、诉讼」时，表中没有相应数字",
    message="第{section}部分写「{found}」，但{table_part}。",
    hint="核对正文和统计表：两者必须一致，改正错误的一方。",
)
def text_contradicts_table(report: Report, context: Context):
    """正文与统计表矛盾（如正文「未收到政府信息公开申请」而表三有申请），上级审核时一定会退回。"""
    new = _t3_total(report, T3_NEW)
    for number, paragraph, sentence in _sentences(report):
        denied = _NONE_RECEIVED.search(sentence)
        if new and denied and "上年" not in sentence and not _OTHER_SUBJECTS.search(sentence):
            yield Finding(
                params={"section": number, "table_part": f"表三本年新收申请总计为 {int(new)} 件"},
                section=number, found=denied.group(0), table=TABLE3.key, row=T3_NEW, column="总计",
                locator=paragraph.locator,
            )
            return
        cases = _denied_cases(report, sentence)
        if cases:
            yield Finding(params={"section": number, "table_part": cases[1]}, section=number, found=cases[0], table=TABLE4.key, locator=paragraph.locator)
            return


@rule(
    code="X105",
    name="text-without-table",
    severity=WARNING,
    summary="正文描述本年办理了申请或结转时，表三确有相应数字",
    message="第{section}部分写「{found}」，但{table_part}。",
    hint="如果本年没有收到申请，正文应写明「本年度未收到政府信息公开申请」；如果收到了，请在表三填写。",
)
def text_without_table(report: Report, context: Context):
    """正文写了本年处理申请的经过、或称申请「均已办结」，而表三显示没有申请或仍有结转，两者至少有一处不实。"""
    new, carried = _t3_total(report, T3_NEW), _t3_total(report, T3_CARRIED)
    forward = _t3_total(report, T3_FORWARD)
    for number, paragraph, sentence in _sentences(report):
        if forward and _ALL_DONE.search(sentence) and "申请" in sentence:
            yield Finding(
                params={"section": number, "table_part": f"表三「四、结转下年度继续办理」总计为 {int(forward)} 件"},
                section=number, found=clip(sentence), table=TABLE3.key, row=T3_FORWARD, column="总计", locator=paragraph.locator,
            )
            return
        if (
            new == 0 and carried == 0 and "申请" in sentence and _HANDLING.search(sentence)
            and _THIS_YEAR.search(sentence) and not _NEGATION.search(sentence)
        ):
            yield Finding(
                params={"section": number, "table_part": "表三本年新收和上年结转申请都是 0"},
                section=number, found=clip(sentence), table=TABLE3.key, row=T3_NEW, column="总计", locator=paragraph.locator,
            )
            return


# ---------------------------------------------------------------- residue and slips

# the blank template's guidance, left in place of the agency's own text
_GUIDANCE_LEFT = "|".join(f"（{opening}[^）]*）|\\({opening}[^)]*\\)" for opening in GUIDANCE_OPENINGS)
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(X{2,}|x{2,})(?![A-Za-z])|×{2,}|某某|\[填写[^\]]*\]|【填写[^】]*】|" + _GUIDANCE_LEFT + "|〇〇年|○○年")


@rule(
    code="X106",
    name="template-residue",
    severity=ERROR,
    summary="没有模板残留和占位符（XX、××、某某、「（文字描述）」）",
    message="{where}有模板残留或占位符「{found}」。",
    hint="把占位符替换为本机关的实际内容，删除模板中的说明文字。",
)
def template_residue(report: Report, context: Context):
    """照模板填写时留下的「XX」「（文字描述）」等占位符会原样公开，必须删除或替换。"""
    for section, where, paragraph in places(report):
        match = _PLACEHOLDER.search(paragraph.text)
        if match:
            yield Finding(params={"where": where}, section=section, found=match.group(0), locator=paragraph.locator)


_DOUBLED = re.compile(r"(的的(?!确确)|了了|和和|是是|在在|对对|与与|及及|政府政府|公开公开|信息信息)")
_PAGE_CHROME = re.compile(r"(发布时间|发布日期|来源|字体|浏览次数)\s*[:：]")  # a web page's header line
_ASCII_PUNCT = re.compile(r"[\u4e00-\u9fff][,;:?!]|[,;:][\u4e00-\u9fff]|\([\u4e00-\u9fff]")


@rule(
    code="X107",
    name="doubled-word",
    severity=INFO,
    summary="没有重复的字词（「的的」「政府政府」）",
    message="{where}有重复的字词「{found}」{more}。",
    hint="删除重复的字词。",
)
def doubled_word(report: Report, context: Context):
    """校对时容易漏掉的重复字词。"""
    hits = [(section, where, p, m.group(0)) for section, where, p in places(report) for m in [_DOUBLED.search(compact(p.text))] if m]
    if hits:
        section, where, paragraph, word = hits[0]
        more = f"（全文共 {len(hits)} 处）" if len(hits) > 1 else ""
        yield Finding(params={"where": where, "more": more}, section=section, found=word, locator=paragraph.locator)


@rule(
    code="X108",
    name="ascii-punctuation",
    severity=INFO,
    summary="中文句子使用中文标点（，；：（）而不是 , ; : ( )）",
    message="正文中有 {count} 处在中文句子里使用了英文标点，如{where}「{found}」。",
    hint="把英文逗号、分号、冒号、括号改为中文全角标点。",
)
def ascii_punctuation(report: Report, context: Context):
    """公文使用全角中文标点；从网页或其他系统复制的文字常混入英文标点。"""
    hits = [
        (section, where, paragraph, "…" + paragraph.text[max(0, m.start() - 6) : m.end() + 6] + "…")
        for section, where, paragraph in places(report)
        if not _PAGE_CHROME.search(paragraph.text)
        for m in _ASCII_PUNCT.finditer(paragraph.text)
    ]
    if hits:
        section, where, paragraph, snippet = hits[0]
        yield Finding(params={"where": where, "count": len(hits)}, section=section, found=snippet, locator=paragraph.locator)


@rule(
    code="X109",
    name="repeated-paste",
    severity=ERROR,
    summary="报告全文只出现一次（没有把全文重复粘贴几遍）",
    message="报告全文重复粘贴了 {count} 遍（第二遍从{where}开始），只审核了第一遍。",
    hint="删除重复的部分，只保留一份报告全文。",
)
def repeated_paste(report: Report, context: Context):
    """复制粘贴时重复粘贴了几遍全文，公开后满页重复；审核只看第一遍，其余几遍不会被当作第六部分的内容。"""
    if report.repeated_copies > 1:
        where = report.repetition_locator.describe() if report.repetition_locator else ""
        yield Finding(
            params={"count": report.repeated_copies, "where": where or "中间"},
            section="title", found=f"{report.repeated_copies} 遍", expected="1 遍", locator=report.repetition_locator,
        )

