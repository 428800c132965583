"""The rule catalogue, generated from the registry (docs/rules.md, ``nianbao rules``, /rules)."""

from __future__ import annotations

from . import Rule, all_rules

AREAS = {
    "S": "部分与标题",
    "T": "表格结构",
    "C": "单元格",
    "A": "勾稽关系与合计",
    "L": "机关层级",
    "Y": "年份与日期",
    "X": "正文内容",
    "H": "跨年度核对（与上一年度报告比较）",
}


def rules_table_text() -> str:
    lines = []
    for item in all_rules():
        lines.append(f"{item.code}  [{item.severity.label}]  {item.name:<28} {item.summary}")
    return "\n".join(lines)


def _rule_markdown(item: Rule) -> list[str]:
    return [
        f"### {item.code} `{item.name}` — {item.severity.label}",
        "",
        f"**检查什么**：{item.summary}",
        "",
        f"**为什么**：{item.explanation}" if item.explanation else "",
        "",
        f"**提示模板**：`{item.message}`",
        "",
        f"**修改建议**：{item.hint}",
        "",
    ]


def rules_markdown() -> str:
    rules = all_rules()
    lines = [
        "# 审核规则目录 (Rule catalogue)",
        "",
        "<!-- Generated from the rule registry by `nianbao rules --markdown`; do not edit by hand. -->",
        "",
        f"共 {len(rules)} 条规则。严重程度：**错误**必须改正后才能报送；**警告**需要核实；**提示**是校对建议。",
        "",
        "| 代码 | 名称 | 严重程度 | 检查什么 |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {r.code} | `{r.name}` | {r.severity.label} | {r.summary} |" for r in rules]
    lines.append("")
    for prefix, area in AREAS.items():
        members = [r for r in rules if r.code.startswith(prefix)]
        if not members:
            continue
        lines += [f"## {prefix} {area}", ""]
        for item in members:
            lines += _rule_markdown(item)
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"
