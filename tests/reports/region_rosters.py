"""Generated rosters for the region's summary report: agencies of a county in every campaign
state, each with tables that satisfy the identities (as a draft that passed has them), put into
a real Store the way the pipeline and the history import would.

Imported by the tests as ``reports.region_rosters`` (tests/ is on sys.path)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from nianbao.storage import Store, SubmissionIn
from nianbao.validators.template import (
    APPLICANT_COLUMNS,
    APPLICANT_PARTS,
    REVIEW_OUTCOMES,
    T3_CARRIED,
    T3_FORWARD,
    T3_NEW,
    T3_RESULT_ITEMS,
    T3_TOTAL,
    T4_GROUPS,
    TABLE2,
)

UTC = dt.timezone.utc
YEAR = 2024
TODAY = dt.date(2025, 3, 1)
RECEIVED = dt.datetime(2025, 1, 20, 2, tzinfo=UTC)
KINDS = ("passing", "errors", "unreadable", "not_submitted", "imported", "inactive")


def _tables(pick, most: int = 4) -> dict:
    """Tables of one agency that keep every identity; 规章 0 (a county's agencies make none).
    ``pick(low, high)`` gives each number."""
    t2 = {
        "规章": {column: 0 for column in TABLE2.row("规章").columns},
        "行政规范性文件": {column: pick(0, most) for column in TABLE2.row("行政规范性文件").columns},
        **{row: {TABLE2.row(row).columns[0]: pick(0, 40)} for row in ("行政许可", "行政处罚", "行政强制")},
        "行政事业性收费": {TABLE2.row("行政事业性收费").columns[0]: float(Decimal(pick(0, 999)) / 100)},
    }
    t3: dict[str, dict[str, int]] = {}
    for item in T3_RESULT_ITEMS:
        t3[item] = {part: pick(0, most) if pick(0, 1) else 0 for part in APPLICANT_PARTS}
    t3[T3_TOTAL] = {part: sum(t3[item][part] for item in T3_RESULT_ITEMS) for part in APPLICANT_PARTS}
    t3[T3_FORWARD] = {part: pick(0, most) for part in APPLICANT_PARTS}
    t3[T3_CARRIED] = {part: pick(0, t3[T3_TOTAL][part] + t3[T3_FORWARD][part]) for part in APPLICANT_PARTS}
    t3[T3_NEW] = {part: t3[T3_TOTAL][part] + t3[T3_FORWARD][part] - t3[T3_CARRIED][part] for part in APPLICANT_PARTS}
    for cells in t3.values():
        cells[APPLICANT_COLUMNS[-1]] = sum(cells[part] for part in APPLICANT_PARTS)
    t4 = {}
    for group in T4_GROUPS:
        outcomes = {outcome: pick(0, 2) for outcome in REVIEW_OUTCOMES[:-1]}
        t4[group] = {**outcomes, REVIEW_OUTCOMES[-1]: sum(outcomes.values())}
    return {"主动公开": t2, "依申请公开": t3, "复议诉讼": t4}


@st.composite
def tables(draw, most: int = 4) -> dict:
    return _tables(lambda low, high: draw(st.integers(low, high)), most)


def fixed_tables(seed: int = 0) -> dict:
    """The same kind of tables, from a seed (for the tests that are not properties)."""
    rng = random.Random(seed)
    return _tables(rng.randint)


@dataclass(frozen=True)
class Member:
    name: str
    level: str
    kind: str  # one of KINDS
    tables: dict
    late: bool = False


@st.composite
def rosters(draw, most: int = 12) -> list[Member]:
    count = draw(st.integers(1, most))
    members = []
    for i in range(count):
        level = draw(st.sampled_from(("township", "county_department")))
        name = f"芮城县第{i + 1}乡人民政府" if level == "township" else f"芮城县第{i + 1}局"
        members.append(Member(name, level, draw(st.sampled_from(KINDS)), draw(tables()), draw(st.booleans())))
    return members


def populate(store: Store, members: list[Member], *, region: str = "芮城县", parent: str = "芮城县人民政府") -> dict[str, int]:
    """The roster and what each agency sent, as the pipeline and the history import keep it."""
    ids = {}
    for member in members:
        agency = ids[member.name] = store.add_agency(member.name, member.level, region=region, parent=parent)
        when = RECEIVED + dt.timedelta(days=30 if member.late else 0)
        if member.kind in ("passing", "errors", "inactive"):
            store.add_submission(SubmissionIn(
                agency_id=agency, year=YEAR, input_format="docx", parsed=True, error_count=1 if member.kind == "errors" else 0,
                report={"tables": member.tables}, received_at=when, file_name=f"{member.name}.docx",
            ))  # fmt: skip
        elif member.kind == "unreadable":
            store.add_submission(SubmissionIn(agency_id=agency, year=YEAR, input_format="docx", parsed=False, received_at=when))
        elif member.kind == "imported":
            store.save_prior_report(agency, YEAR, member.tables, file_name=f"{member.name}.pdf")
        if member.kind == "inactive":
            store.set_agency_active(agency, False)
    return ids
