"""The figures kept for the county's sum (``storage.figures``): every standard cell's number as the
report has it, kept when a draft or an imported report is stored, gone when a draft's report is
purged, worked out for the reports a database already had (v15), read back by ``figures_of`` as
``tables_of`` reads the tables, and read from the tables again when kept in another order."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from nianbao.config import Config
from nianbao.storage import Store, SubmissionIn
from nianbao.storage.figures import CELLS, INDEX, LAYOUT, Figures, cells_from_json, cells_of, figures_json
from nianbao.storage.migrations import apply_migrations
from nianbao.validators.template import TABLES
from reports.region_rosters import fixed_tables

UTC = dt.timezone.utc
TODAY = dt.date(2025, 2, 10)
FEE = ("主动公开", "行政事业性收费", "本年收费金额（单位：万元）")
NEW_TOTAL = ("依申请公开", "本年新收政府信息公开申请数量", "总计")


def _tables(fill=3) -> dict:
    tables = {spec.key: {row.label: {column: fill for column in row.columns} for row in spec.rows} for spec in TABLES}
    tables[FEE[0]][FEE[1]][FEE[2]] = 12.3456
    return tables


def _draft(store: Store, agency_id: int, tables, *, when: int = 1, parsed: bool = True) -> int:
    return store.add_submission(
        SubmissionIn(
            agency_id=agency_id, year=2024, input_format="docx", parsed=parsed, report={"tables": tables} if parsed else None,
            received_at=dt.datetime(2025, 1, when, 2, tzinfo=UTC),
        )
    )


def test_the_cells_are_the_numbers_as_the_report_has_them():
    tables = _tables()
    tables["依申请公开"]["予以公开"]["自然人"] = "三"
    tables["依申请公开"]["予以公开"]["其他"] = True
    tables["依申请公开"]["予以公开"]["总计"] = None
    tables["复议诉讼"]["行政复议"]["结果维持"] = float("nan")
    del tables["复议诉讼"]["行政复议"]["总计"]
    cells = cells_of(tables)
    assert len(cells) == len(CELLS) == 200
    assert cells[INDEX[FEE]] == 12.3456 and type(cells[INDEX[NEW_TOTAL]]) is int
    for column in ("自然人", "其他", "总计"):
        assert cells[INDEX[("依申请公开", "予以公开", column)]] is None
    assert cells[INDEX[("复议诉讼", "行政复议", "结果维持")]] is None and cells[INDEX[("复议诉讼", "行政复议", "总计")]] is None
    assert cells_from_json(figures_json(tables)) == cells  # the float exactly as it was
    assert cells_of({"依申请公开": [1, 2], "其他表": {"x": {"y": 9}}}) == (None,) * 200
    assert figures_json(None) is None and figures_json({}) is None and figures_json([1]) is None
    stale = json.dumps({"layout": "older", "cells": list(cells)})
    assert cells_from_json(stale) is None and cells_from_json(None) is None
    assert LAYOUT in figures_json(tables)


def _kept(path: Path, submission_id: int) -> str | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT figures_json FROM submission_figures WHERE submission_id = ?", (submission_id,)).fetchone()
    return row[0] if row else None


def test_kept_with_a_draft_and_an_imported_report_and_gone_with_a_purged_report(tmp_path):
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        agency = store.add_agency("甲镇", "township")
        old, unreadable, empty = _draft(store, agency, _tables(1), when=1), _draft(store, agency, None, parsed=False), _draft(store, agency, {})
        latest = _draft(store, agency, _tables(2), when=5)
        assert cells_from_json(_kept(path, old)) == cells_of(_tables(1))
        assert _kept(path, unreadable) is None and _kept(path, empty) is None
        store.save_prior_report(store.add_agency("乙镇", "township"), 2024, _tables(4), file_name="乙镇.pdf")
        with sqlite3.connect(path) as db:
            (kept,) = db.execute("SELECT figures_json FROM prior_reports").fetchone()
        assert cells_from_json(kept) == cells_of(_tables(4))

        store.purge_rows(dt.datetime(2025, 1, 3, tzinfo=UTC))  # the earlier draft's report is forgotten
        assert store.get_submission(old).report is None and _kept(path, old) is None
        assert cells_from_json(_kept(path, latest)) == cells_of(_tables(2))


def test_read_back_as_the_tables_are(tmp_path):
    """``figures_of`` gives, for every state, the cells of what ``tables_of`` gives, and the
    state's own verdict on whether they can be summed."""
    with Store(tmp_path / "nianbao.db") as store:
        blank = fixed_tables(1)
        blank["依申请公开"]["总计"] = {column: None for column in blank["依申请公开"]["总计"]}
        broken = fixed_tables(2)
        broken["依申请公开"]["总计"]["总计"] += 1
        for name, tables in (("甲镇", fixed_tables(3)), ("乙镇", blank), ("丙镇", broken), ("丁镇", {})):
            _draft(store, store.add_agency(name, "township"), tables)
        store.save_prior_report(store.add_agency("戊镇", "township"), 2024, fixed_tables(4), file_name="戊镇.pdf")
        store.add_agency("己镇", "township")
        states = store.campaign(2024, Config(), TODAY)
        figures, tables = store.figures_of(states), store.tables_of(states)
        assert set(figures) == {agency for agency, kept in tables.items() if kept}  # 丁镇's empty tables: none
        for state in states:
            if state.agency.id in figures:
                problem = state.not_counted if state.state in ("passing", "imported") else state.deciding.sum_problem
                assert figures[state.agency.id] == Figures(cells_of(tables[state.agency.id]), problem), state.agency.name
        names = {state.agency.id: state.agency.name for state in states}
        assert {names[a]: f.problem for a, f in figures.items()} == {
            "甲镇": None, "乙镇": None, "丙镇": "统计表勾稽关系不成立", "戊镇": None}


def test_figures_kept_in_another_order_of_cells_are_read_from_the_tables(tmp_path):
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        draft = store.add_agency("甲镇", "township")
        _draft(store, draft, _tables(1))
        imported = store.add_agency("乙镇", "township")
        store.save_prior_report(imported, 2024, _tables(2), file_name="乙镇.pdf")
        stale = json.dumps({"layout": "older", "cells": [0] * 10})
        with sqlite3.connect(path) as db:
            db.execute("UPDATE submission_figures SET figures_json = ?", (stale,))
            db.execute("UPDATE prior_reports SET figures_json = ?", (stale,))
        figures = store.figures_of(store.campaign(2024, Config(), TODAY))
        assert figures[draft].cells == cells_of(_tables(1)) and figures[imported].cells == cells_of(_tables(2))


def test_upgrade_to_v15_keeps_the_figures_of_the_reports_already_stored(tmp_path):
    path = tmp_path / "nianbao.db"
    db = Database(sqlite3.connect(path), execute_plugins=False)
    apply_migrations(db, stop_before="m0015_figures_for_the_sum")
    db.execute("INSERT INTO agencies (id, name, level, active, created_at) VALUES (1, '城关镇', 'township', 1, '2024-12-01T00:00:00.000000+00:00')")
    reports = {7: {"tables": _tables(1)}, 8: {"tables": {"三": [[1, 2, 3]]}}, 9: {"tables": [1]}, 10: {"title": "无表"}}
    for sid, report in reports.items():
        db.execute(
            "INSERT INTO submissions (id, agency_id, year, received_at, input_format, parsed, error_count, issues_json, report_json)"
            f" VALUES ({sid}, 1, 2024, '2025-01-{sid:02d}T00:00:00.000000+00:00', 'docx', 1, 0, '[]', ?)",
            (json.dumps(report, ensure_ascii=False),),
        )
    db.execute(
        "INSERT INTO prior_reports (agency_id, year, source, tables_json, imported_at) VALUES (1, 2023, 'imported', ?, ?)",
        (json.dumps(_tables(6), ensure_ascii=False), "2024-03-01T00:00:00.000000+00:00"),
    )
    db.close()
    with Store(path):
        pass
    assert cells_from_json(_kept(path, 7)) == cells_of(_tables(1))
    assert cells_from_json(_kept(path, 8)) == (None,) * 200  # tables of another shape: no numbers, never a failed upgrade
    assert _kept(path, 9) is None and _kept(path, 10) is None
    with sqlite3.connect(path) as raw:
        (kept,) = raw.execute("SELECT figures_json FROM prior_reports").fetchone()
    assert cells_from_json(kept) == cells_of(_tables(6))


@pytest.mark.parametrize("fill", [0, 7])
def test_a_draft_stored_twice_keeps_its_figures_once(tmp_path, fill):
    with Store(tmp_path / "nianbao.db") as store:
        agency = store.add_agency("甲镇", "township")
        sub = SubmissionIn(agency_id=agency, year=2024, input_format="docx", parsed=True, report={"tables": _tables(fill)}, update_id=5)
        assert store.add_submission(sub) == store.add_submission(sub)
        with sqlite3.connect(tmp_path / "nianbao.db") as db:
            assert db.execute("SELECT COUNT(*) FROM submission_figures").fetchone()[0] == 1
