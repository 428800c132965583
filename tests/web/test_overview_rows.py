"""The overview's rows, each rendered once for its content and kept (``overview.rows_html``): the
same HTML, byte for byte, as the table's loop rendered row after row; a row whose agency changed
is rendered anew; no rows, the sentence that says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import jinja2

import nianbao.web as web_package
from nianbao.reports.money import figure_text
from nianbao.web.overview import Row, rows_html

TEMPLATES = Path(web_package.__file__).parent / "templates"
# the table's body as the overview rendered it before its rows were kept
LOOP = """{% for r in rows %}
<tr class="state-{{ r.state }}" data-agency="{{ r.name }}">
  <td class="name"><a href="/agency/{{ r.agency_id }}">{{ r.name }}</a></td>
  <td>{{ r.level_label }}</td><td>{{ r.region }}</td>
  <td class="state">{{ r.state_label }}{% if r.set_aside %}<br><small class="set-aside">另有 {{ r.set_aside }} 份不计入（他单位或非本年度）</small>{% endif %}</td>
  <td>{{ r.errors if r.errors is not none else '' }}</td><td>{{ r.warnings if r.warnings is not none else '' }}</td>
  <td>{{ r.last.strftime('%Y-%m-%d %H:%M') if r.last else '' }}{% if r.submissions > 1 %}（共 {{ r.submissions }} 次）{% endif %}</td>
  <td>{{ r.source }}</td>
  <td>{{ ('%d 天' % r.late_days) if r.late_days else '' }}</td>
  <td class="counted">{% if r.counted %}是{% else %}否{% if r.not_counted %}<br><small>{{ r.not_counted }}</small>{% endif %}{% endif %}</td>
  <td class="published">{{ r.published }}</td>
</tr>
{% else %}
<tr><td colspan="11">没有符合条件的单位。</td></tr>
{% endfor %}"""
TABLE = """{% if rows %}{{ rows }}{% else %}
<tr><td colspan="11">没有符合条件的单位。</td></tr>
{% endif %}"""


def _env() -> jinja2.Environment:
    """The desk's template environment (``web.app``)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["figure"] = figure_text
    return env


BASE = Row(
    agency_id=7, name="学张乡人民政府", level="township", level_label="乡镇（街道）", region="东区", state="passing",
    state_label="通过", errors=0, warnings=3, accepted=0, last=dt.datetime(2025, 1, 20, 10, 5, tzinfo=dt.timezone.utc),
    submissions=1, late_days=0, set_aside=0, source="聊天", counted=True, not_counted=None, published="未发布", order=0,
)  # fmt: skip
ROWS = [
    BASE,
    replace(BASE, agency_id=8, name="<b>局&所</b>", state="errors", state_label="有错误", errors=2, submissions=4, set_aside=1,
            counted=False, not_counted="有错误", late_days=3, region="", published=""),
    replace(BASE, agency_id=9, name='"=HYPERLINK()"', state="not_submitted", state_label="未报送", errors=None, warnings=None,
            last=None, submissions=0, counted=False, not_counted=None, source=""),
    replace(BASE, agency_id=10, state="passing", state_label="通过（含 1 项已确认）", accepted=1, not_counted="统计表勾稽关系不成立", counted=False),
]


def test_the_rows_are_the_table_as_the_loop_rendered_it():
    env = _env()
    for rows in (ROWS, ROWS[::-1], ROWS[:1], []):
        kept = env.from_string(TABLE).render(rows=rows_html(env, rows))
        assert kept == env.from_string(LOOP).render(rows=rows)
    assert "没有符合条件的单位。" in env.from_string(TABLE).render(rows=rows_html(env, []))


def test_a_row_whose_agency_changed_is_rendered_anew():
    env = _env()
    before = str(rows_html(env, [BASE]))
    changed = replace(BASE, state="errors", state_label="有错误", errors=1)
    after = str(rows_html(env, [changed]))
    assert 'class="state-errors"' in after and 'class="state-passing"' in before
    assert str(rows_html(env, [BASE])) == before
