"""The national report format of 2021 (国办公开办函〔2021〕30号) as data.

Everything that knows the standard layout reads it from here: the mapper places values with it,
the rules check identities with it, the docs and the blank template are generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..levels import LEVELS as AGENCY_LEVELS
from .text import label_key


@dataclass(frozen=True)
class SectionSpec:
    number: str  # 一 … 六
    title: str
    ordinal: int
    keywords: tuple[str, ...] = ()  # a heading numbered 「五、」 with one of these is section 五 reworded


@dataclass(frozen=True)
class RowSpec:
    label: str  # standard label without its ordinal, as the JSON contract names the row
    printed: str  # the label as printed in the template, with its ordinal
    columns: tuple[str, ...]
    group: str | None = None  # e.g. "第二十条第（一）项" or "（三）不予公开"
    aliases: tuple[str, ...] = ()  # accepted without comment (short forms, known variants)
    deviations: tuple[str, ...] = ()  # recognised, but the wording deviates from the standard
    amount: bool = False  # a money amount (decimals allowed) rather than a count

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(label_key(x) for x in (self.label, self.printed, *self.aliases))

    @cached_property
    def deviation_keys(self) -> frozenset[str]:
        return frozenset(label_key(x) for x in self.deviations)

    @cached_property
    def shortest_key(self) -> int:
        return min(len(key) for key in self.keys)


@dataclass(frozen=True)
class Equation:
    """sum(coefficient * cell) == 0 over (row, column) cells of one table."""

    name: str  # where it holds, as messages name it: 「自然人」列, 「（一）予以公开」行, 「行政复议」
    terms: tuple[tuple[int, str, str], ...]  # (coefficient, row label, column)
    kind: str  # "row_total" | "column_total" | "balance" | "group_total"
    total: tuple[str, str]  # the cell that is "the total" of this equation (for messages)


@dataclass(frozen=True)
class TableSpec:
    key: str  # JSON name: 主动公开 / 依申请公开 / 复议诉讼
    number: str  # 表二 / 表三 / 表四 (as reviewers say it)
    section: str  # the section that holds it
    title: str
    rows: tuple[RowSpec, ...]
    headers: tuple[str, ...]  # header and group texts that are not data
    equations: tuple[Equation, ...] = ()
    row_labelled: bool = True  # table 4 has a single unlabelled data row
    anchor: str | None = None  # the text that starts the table when its rows have no labels

    @cached_property
    def header_keys(self) -> frozenset[str]:
        return frozenset(label_key(h) for h in self.headers)

    @cached_property
    def not_label_chars(self) -> dict[int, None]:
        """A ``str.translate`` table that deletes every character of the rows' labels (and of
        their known rewordings): what is left of a text is what no label of this table has."""
        return dict.fromkeys(ord(char) for row in self.rows for key in row.keys | row.deviation_keys for char in key)

    @cached_property
    def anchor_keys(self) -> frozenset[str]:
        """What marks the table's start in a document: its first row label (or its anchor)."""
        return frozenset({label_key(self.anchor)}) if self.anchor else self.rows[0].keys

    def row(self, label: str) -> RowSpec:
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(label)

    @property
    def cell_count(self) -> int:
        return sum(len(r.columns) for r in self.rows)


SECTIONS: tuple[SectionSpec, ...] = tuple(
    SectionSpec(number, title, i + 1, keywords)
    for i, (number, title, keywords) in enumerate(
        [
            ("一", "总体情况", ("总体", "概况")),
            ("二", "主动公开政府信息情况", ("主动公开",)),
            ("三", "收到和处理政府信息公开申请情况", ("申请",)),
            ("四", "政府信息公开行政复议、行政诉讼情况", ("复议", "诉讼")),
            ("五", "存在的主要问题及改进情况", ("问题", "改进", "整改")),
            ("六", "其他需要报告的事项", ("其他", "事项")),
        ]
    )
)
SECTION_BY_NUMBER = {s.number: s for s in SECTIONS}
# the report's parts outside the six sections, as issues name them (Issue.section)
OTHER_PARTS = {"title": "标题", "period": "统计期限说明", "signature": "落款"}


def part_name(section: str) -> str:
    """How a reader names an issue's part: 第三部分, 标题, 落款."""
    return f"第{section}部分" if section in SECTION_BY_NUMBER else OTHER_PARTS.get(section, section)

# ---------------------------------------------------------------- table 2: 主动公开
DOCUMENT_ROWS = ("规章", "行政规范性文件")  # the rows counting documents issued, repealed and in force
_DOCS = ISSUED, REPEALED, IN_FORCE = ("本年制发件数", "本年废止件数", "现行有效件数")
_DECISIONS = (DECISIONS := "本年处理决定数量",)
_FEES = ("本年收费金额（单位：万元）",)

TABLE2 = TableSpec(
    key="主动公开",
    number="表二",
    section="二",
    title="主动公开政府信息情况",
    rows=(
        RowSpec("规章", "规章", _DOCS, group="第二十条第（一）项"),
        RowSpec(
            "行政规范性文件",
            "行政规范性文件",
            _DOCS,
            group="第二十条第（一）项",
            deviations=("规范性文件", "行政规范文件", "其他规范性文件"),
        ),
        RowSpec("行政许可", "行政许可", _DECISIONS, group="第二十条第（五）项"),
        RowSpec("行政处罚", "行政处罚", _DECISIONS, group="第二十条第（六）项"),
        RowSpec("行政强制", "行政强制", _DECISIONS, group="第二十条第（六）项"),
        RowSpec(
            "行政事业性收费",
            "行政事业性收费",
            _FEES,
            group="第二十条第（八）项",
            amount=True,
            deviations=("行政性收费", "事业性收费"),
        ),
    ),
    headers=(
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "信息内容",
        *_DOCS,
        *_DECISIONS,
        *_FEES,
        "本年收费金额（单位：万元）",
        "本年收费金额",
        "本年收费金额（万元）",
    ),
)

# Words of the 2019 trial format (试行) that a 2021-format table never has.
OLD_FORMAT_MARKERS: tuple[str, ...] = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "其他对外管理服务事项",
    "政府集中采购",
)

# ---------------------------------------------------------------- table 3: 依申请公开
APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
APPLICANT_PARTS = APPLICANT_COLUMNS[:-1]


def _t3(label: str, printed: str, group: str | None = None, aliases: tuple[str, ...] = (), deviations: tuple[str, ...] = ()) -> RowSpec:
    return RowSpec(label, printed, APPLICANT_COLUMNS, group=group, aliases=aliases, deviations=deviations)


_T3_ROWS = (
    _t3("本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),
    _t3("上年结转政府信息公开申请数量", "二、上年结转政府信息公开申请数量"),
    _t3("予以公开", "（一）予以公开", "三、本年度办理结果"),
    _t3(
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "三、本年度办理结果",
        aliases=("部分公开",),
    ),
    _t3("属于国家秘密", "1.属于国家秘密", "（三）不予公开"),
    _t3("其他法律行政法规禁止公开", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    _t3("危及“三安全一稳定”", "3.危及“三安全一稳定”", "（三）不予公开", aliases=('危及"三安全一稳定"',)),
    _t3("保护第三方合法权益", "4.保护第三方合法权益", "（三）不予公开"),
    _t3("属于三类内部事务信息", "5.属于三类内部事务信息", "（三）不予公开"),
    _t3("属于四类过程性信息", "6.属于四类过程性信息", "（三）不予公开"),
    _t3("属于行政执法案卷", "7.属于行政执法案卷", "（三）不予公开"),
    _t3("属于行政查询事项", "8.属于行政查询事项", "（三）不予公开"),
    _t3("本机关不掌握相关政府信息", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    _t3("没有现成信息需要另行制作", "2.没有现成信息需要另行制作", "（四）无法提供"),
    _t3("补正后申请内容仍不明确", "3.补正后申请内容仍不明确", "（四）无法提供"),
    _t3("信访举报投诉类申请", "1.信访举报投诉类申请", "（五）不予处理"),
    _t3("重复申请", "2.重复申请", "（五）不予处理"),
    _t3("要求提供公开出版物", "3.要求提供公开出版物", "（五）不予处理"),
    _t3("无正当理由大量反复申请", "4.无正当理由大量反复申请", "（五）不予处理"),
    _t3("要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
    _t3(
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    _t3(
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    _t3("其他", "3.其他", "（六）其他处理", deviations=("其它",)),
    _t3("总计", "（七）总计", "三、本年度办理结果", deviations=("合计", "小计")),
    _t3("结转下年度继续办理", "四、结转下年度继续办理"),
)

T3_NEW, T3_CARRIED, T3_TOTAL, T3_FORWARD = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "总计",
    "结转下年度继续办理",
)
T3_RESULT_ITEMS = tuple(r.label for r in _T3_ROWS[2:-2])  # the 21 handling results summed by （七）总计
T3_OTHER_GROUP = "其他处理"  # （六） printed as one row without its sub-items in some reports
T3_OTHER_ITEMS = tuple(r.label for r in _T3_ROWS if r.group == "（六）其他处理")


def _table3_equations() -> tuple[Equation, ...]:
    equations: list[Equation] = []
    for column in APPLICANT_COLUMNS:
        equations.append(
            Equation(
                f"「{column}」列",
                ((1, T3_NEW, column), (1, T3_CARRIED, column), (-1, T3_TOTAL, column), (-1, T3_FORWARD, column)),
                "balance",
                (T3_TOTAL, column),
            )
        )
        equations.append(
            Equation(
                f"「{column}」列",
                ((1, T3_TOTAL, column), *((-1, item, column) for item in T3_RESULT_ITEMS)),
                "column_total",
                (T3_TOTAL, column),
            )
        )
    for row in _T3_ROWS:
        equations.append(
            Equation(
                f"「{row.printed}」行",
                ((1, row.label, "总计"), *((-1, row.label, c) for c in APPLICANT_PARTS)),
                "row_total",
                (row.label, "总计"),
            )
        )
    return tuple(equations)


TABLE3 = TableSpec(
    key="依申请公开",
    number="表三",
    section="三",
    title="收到和处理政府信息公开申请情况",
    rows=_T3_ROWS,
    headers=(
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "法人或其他组织",
        *APPLICANT_COLUMNS,
        "三、本年度办理结果",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ),
    equations=_table3_equations(),
)

# ---------------------------------------------------------------- table 4: 复议诉讼
REVIEW_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")


def _table4_equations() -> tuple[Equation, ...]:
    return tuple(
        Equation(
            f"「{group}」",
            ((1, group, "总计"), *((-1, group, c) for c in REVIEW_OUTCOMES[:-1])),
            "group_total",
            (group, "总计"),
        )
        for group in T4_GROUPS
    )


TABLE4 = TableSpec(
    key="复议诉讼",
    number="表四",
    section="四",
    title="政府信息公开行政复议、行政诉讼情况",
    rows=tuple(RowSpec(group, group, REVIEW_OUTCOMES) for group in T4_GROUPS),
    headers=("行政复议", "行政诉讼", *T4_GROUPS, *REVIEW_OUTCOMES),
    equations=_table4_equations(),
    row_labelled=False,
    anchor="行政复议",
)

TABLES: tuple[TableSpec, ...] = (TABLE2, TABLE3, TABLE4)
TABLE_BY_KEY = {t.key: t for t in TABLES}
TOTAL_CELLS = sum(t.cell_count for t in TABLES)  # 200

LEVELS = AGENCY_LEVELS  # re-exported: the rules and messages name levels from here


# ---------------------------------------------------------------- the blank template's fill-in text
# (reports/blank.py prints it; X106 finds it left in a report)
PLACEHOLDER_AGENCY, PLACEHOLDER_YEAR = "XX", "××××"
GUIDANCE_OPENINGS = ("文字描述", "填写下表")  # how each section's guidance opens, inside brackets
GUIDANCE: dict[str, str] = {
    "一": "（文字描述：本年度主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面的工作情况。"
    "县级以上人民政府还应报告工作考核、社会评议和责任追究结果情况。）",
    "二": "（填写下表。各单元格填写阿拉伯数字，没有的填 0，不要留空；收费金额以万元为单位。）",
    "三": "（填写下表。每一列：第一项加第二项之和，等于第三项加第四项之和；每一行：总计等于自然人与五类法人或其他组织之和。）",
    "四": "（填写下表。每一组的总计等于结果维持、结果纠正、其他结果、尚未审结之和。）",
    "五": "（文字描述：本年度工作存在的主要问题，以及已经采取和下一年度将要采取的改进措施。）",
    "六": "（文字描述：本年度是否收取信息处理费，发出收费通知的件数和总金额、实际收取的总金额；其他需要报告的事项。）",
}
