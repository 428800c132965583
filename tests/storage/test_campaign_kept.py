"""Every agency's campaign states are kept between the windows that ask for them in turn (the
overview, its sorts, the CSV, the workbook), and worked out again as soon as anything is
committed to the database: a draft, an acceptance or its revocation, an explanation, the roster,
an imported report, from this store or from another process; and for another day or deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from nianbao.config import Config
from nianbao.storage import Store, SubmissionIn

CONFIG = Config()
TODAY = dt.date(2025, 2, 10)
ERROR = {"code": "T101", "severity": "error", "number": 1, "table": "依申请公开", "row": "总计", "column": "总计", "message": "不等"}
WARNING = {"code": "W201", "severity": "warning", "number": 2, "message": "提示"}
KEY = ("T101", "依申请公开", "总计", "总计", None)


def _draft(store: Store, agency_id: int, *, errors: int = 0, when: dt.datetime | None = None) -> int:
    return store.add_submission(
        SubmissionIn(
            agency_id=agency_id, year=2024, input_format="docx", parsed=True, error_count=errors, warning_count=1,
            issues=[ERROR, WARNING] if errors else [WARNING], report={"tables": {}},
            received_at=when or dt.datetime(2025, 1, 20, 2, tzinfo=dt.timezone.utc),
        )
    )


def _by_name(store: Store, today: dt.date = TODAY, config: Config = CONFIG) -> dict:
    return {state.agency.name: state for state in store.campaign(2024, config, today)}


def _fresh(store: Store, today: dt.date = TODAY, config: Config = CONFIG) -> dict:
    """The states worked out now, nothing kept (one agency at a time: never from the kept states)."""
    return {a.name: store.agency_state(a.id, 2024, config, today) for a in store.list_agencies(active_only=False)}


@pytest.fixture
def county(tmp_path):
    with Store(tmp_path / "nianbao.db") as store:
        ids = {name: store.add_agency(name, "township") for name in ("甲镇", "乙镇", "丙镇")}
        _draft(store, ids["甲镇"], errors=1)
        yield store, ids


def test_the_same_states_are_handed_out_again_until_something_changes(county):
    store, _ = county
    first, second = store.campaign(2024, CONFIG, TODAY), store.campaign(2024, CONFIG, TODAY)
    assert first == second and first is not second  # a list of its own for every caller
    assert all(a is b for a, b in zip(first, second))  # kept, not worked out again
    assert _by_name(store) == _fresh(store)


def test_a_draft_an_acceptance_and_an_explanation_are_seen_at_once(county):
    store, ids = county
    assert _by_name(store)["乙镇"].state == "not_submitted"
    _draft(store, ids["乙镇"])
    assert _by_name(store)["乙镇"].state == "passing"

    draft = store.latest_submission(ids["甲镇"], 2024).id
    assert _by_name(store)["甲镇"].state == "errors"
    acceptance = store.accept_issue(ids["甲镇"], 2024, KEY, code="T101", message="不等", submission_id=draft, reason="已核实", by=9001)
    assert (_by_name(store)["甲镇"].state, _by_name(store)["甲镇"].accepted) == ("passing", 1)
    store.revoke_acceptance(acceptance.id, by=9001, reason="撤回")
    assert (_by_name(store)["甲镇"].state, _by_name(store)["甲镇"].accepted) == ("errors", 0)

    assert _by_name(store)["甲镇"].explained == 0
    store.explain_issue(ids["甲镇"], 2024, ("W201", None, None, None, None), submission_id=draft, text="说明", by=9001)
    assert _by_name(store)["甲镇"].explained == 1
    assert _by_name(store) == _fresh(store)


def test_the_roster_and_an_imported_report_are_seen_at_once(county):
    store, ids = county
    store.set_agency_active(ids["丙镇"], False)
    assert _by_name(store)["丙镇"].state == "inactive"
    store.rename_agency(ids["乙镇"], "乙乡")
    store.save_prior_report(ids["乙镇"], 2024, {}, file_name="乙乡.pdf")
    assert _by_name(store)["乙乡"].state == "imported"
    assert _by_name(store) == _fresh(store)


def test_what_another_process_writes_is_seen(county, tmp_path):
    store, ids = county
    assert _by_name(store)["乙镇"].drafts == 0
    with Store(tmp_path / "nianbao.db") as other:  # another connection to the file: the CLI, another face
        _draft(other, ids["乙镇"])
        other.add_agency("丁镇", "township")
    assert _by_name(store)["乙镇"].drafts == 1 and "丁镇" in _by_name(store)


def test_another_day_or_other_deadlines_are_worked_out_for_themselves(county):
    store, _ = county
    assert _by_name(store)["乙镇"].late_days == 10
    assert _by_name(store, dt.date(2025, 2, 12))["乙镇"].late_days == 12
    later = replace(CONFIG, deadline_month=2, deadline_day=28)
    assert _by_name(store, config=later)["乙镇"].late_days == 0
    assert _by_name(store)["乙镇"].late_days == 10
    assert _by_name(store, config=later) == _fresh(store, config=later)


def test_a_store_of_one_connection_keeps_nothing():
    with Store(":memory:") as store:
        agency = store.add_agency("甲镇", "township")
        assert _by_name(store)["甲镇"].state == "not_submitted"
        with store.transaction():
            _draft(store, agency)
            assert _by_name(store)["甲镇"].state == "passing"  # its own uncommitted write, as it reads it
        assert _by_name(store)["甲镇"].state == "passing"


def test_a_draft_works_out_its_agencys_state_again_and_keeps_the_others(county):
    store, ids = county
    before = _by_name(store)
    _draft(store, ids["乙镇"])
    after = _by_name(store)
    assert after["乙镇"] is not before["乙镇"] and after["乙镇"].state == "passing"
    assert after["丙镇"] is before["丙镇"]  # nothing of its own changed: the state it had
    assert after == _fresh(store)


def test_the_kept_states_are_the_states_worked_out_afresh_whatever_happens(tmp_path):
    """Random drafts (readable or not, another agency's or year's), acceptances and revocations,
    explanations, imported reports, the roster changed, old reports purged, another day: after
    each, every agency's state is what it would be worked out alone from the database."""
    import random

    rng = random.Random(20250131)
    with Store(tmp_path / "nianbao.db") as store:
        ids = [store.add_agency(f"第{n}镇", "township") for n in range(6)]
        days, acceptances = [TODAY, dt.date(2025, 1, 25), dt.date(2025, 4, 2)], []
        for step in range(240):
            agency = rng.choice(ids)
            latest = store.latest_submission(agency, 2024)
            action = rng.choice([0, 1, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9])
            when = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=step * 7)
            if action <= 2:
                parsed, off_target = rng.random() > 0.15, rng.choice([None, None, None, "S104", "Y108"])
                store.add_submission(SubmissionIn(
                    agency_id=agency, year=2024, input_format="docx", parsed=parsed, error_count=rng.choice([0, 1]) if parsed else 0,
                    issues=[ERROR, WARNING] if parsed else [], report={"tables": {}} if parsed else None, received_at=when,
                    off_target=off_target is not None, off_target_reason=off_target,
                ))  # fmt: skip
            elif action == 3 and latest is not None and latest.error_count:
                acceptances.append(store.accept_issue(agency, 2024, KEY, code="T101", message="不等", submission_id=latest.id,
                                                      reason="已核实", by=9001, now=when))
            elif action == 4 and acceptances:
                store.revoke_acceptance(acceptances.pop(rng.randrange(len(acceptances))).id, by=9001, reason="撤回", now=when)
            elif action == 5 and latest is not None:
                store.explain_issue(agency, 2024, (f"W{rng.randrange(3)}", None, None, None, None), submission_id=latest.id,
                                    text="说明", by=9001, now=when)
            elif action == 6:
                store.set_agency_active(agency, rng.random() < 0.7)
            elif action == 7:
                store.set_agency_level(agency, rng.choice(["township", "government", "县直部门"]))
            elif action == 8:
                store.save_prior_report(agency, 2024, rng.choice([{}, {"主动公开": {}}]), file_name=f"{step}.pdf", now=when)
            else:
                store.purge_rows(when - dt.timedelta(days=rng.randrange(1, 20)))
            today = rng.choice(days)
            assert _by_name(store, today) == _fresh(store, today), step
