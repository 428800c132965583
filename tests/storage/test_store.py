"""Store tests: real SQLite files under tmp_path, no mocks."""

from __future__ import annotations

import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from nianbao.storage import (
    INVITE_ALPHABET,
    AgencyNameTaken,
    AmbiguousAgency,
    InviteError,
    NotFound,
    StorageError,
    Store,
    SubmissionIn,
    latest_version,
)
from nianbao.config import Config
from nianbao.storage.migrations import apply_migrations, migration_names

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)


def sub(agency_id: int, year: int = 2024, **kw) -> SubmissionIn:
    base = dict(agency_id=agency_id, year=year, input_format="docx", parsed=True)
    base.update(kw)
    return SubmissionIn(**base)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


# --------------------------------------------------------------------------- schema


def test_fresh_file_gets_latest_schema_wal_and_pragmas(store: Store, db_path: Path) -> None:
    assert store.schema_version() == latest_version() == len(migration_names())
    assert "m0010_campaign_state" in migration_names()  # v10: the campaign state's columns (later ones may follow)
    assert store.journal_mode() == "wal"
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(submissions)")}
    assert {"agencies", "members", "invites", "submissions", "reminders_sent", "inbox", "prior_reports", "notices"} <= tables
    assert {"source", "off_target_reason", "sum_problem", "sum_problem_zeros"} <= columns
    assert store.pragma("foreign_keys") == 1  # the store's own connection settings
    assert store.pragma("busy_timeout") == 5000


def test_reopen_is_a_noop(db_path: Path) -> None:
    Store(db_path).close()
    with raw(db_path) as conn:
        before = conn.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall()
        schema_before = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    with Store(db_path) as again:
        assert again.schema_version() == latest_version()
    with raw(db_path) as conn:
        assert conn.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall() == before
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before
    assert len(before) == latest_version()


def test_upgrade_from_v1_keeps_data(db_path: Path) -> None:
    db = Database(sqlite3.connect(db_path), execute_plugins=False)
    assert apply_migrations(db, stop_before="m0002_reminders_and_message") == 1
    db.execute(
        "INSERT INTO agencies (id, name, level, active, created_at)"
        " VALUES (1, '城关镇', 'township', 1, '2024-12-01T00:00:00.000000+00:00')"
    )
    db.execute(
        "INSERT INTO members (user_id, agency_id, role, joined_at)"
        " VALUES (42, 1, 'staff', '2024-12-02T00:00:00.000000+00:00')"
    )
    db.execute(
        "INSERT INTO submissions (id, agency_id, year, received_at, user_id, file_name,"
        " input_format, parsed, error_count, issues_json, report_json, update_id)"
        " VALUES (7, 1, 2024, '2025-01-05T00:00:00.000000+00:00', 42, '年报.docx', 'docx', 1, 2,"
        " '[{\"rule\": \"表三合计\"}]', '{\"tables\": []}', 1001)"
    )
    db.close()

    with Store(db_path) as store:
        assert store.schema_version() == latest_version()
        agency = store.find_agency("城关镇")
        assert agency is not None and agency.id == 1 and agency.level == "township"
        member = store.get_member(42)
        assert member is not None and member.agency_id == 1
        s = store.get_submission(7)
        assert s is not None
        assert s.issues == [{"rule": "表三合计"}] and s.report == {"tables": []}
        assert s.message is None and s.error_count == 2 and s.update_id == 1001
        [state] = store.campaign(2024, Config(), T0.date())
        assert state.state == "errors" and state.deciding.id == 7 and state.source == "chat"  # sent before v10: by chat
        # the v2 table works and old update ids stay idempotent
        assert store.claim_reminder("2024:agency:1:days-7", 42, now=T0) is True
        assert store.add_submission(sub(1, update_id=1001)) == 7
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()


def test_upgrade_to_v10_reads_stored_reports_of_any_shape(db_path: Path) -> None:
    """v10 works out once whether each stored report can be summed: tables of another shape (an
    old or foreign JSON report) are not summable, and never stop the upgrade."""
    db = Database(sqlite3.connect(db_path), execute_plugins=False)
    assert apply_migrations(db, stop_before="m0010_campaign_state") == 9
    db.execute(
        "INSERT INTO agencies (id, name, level, active, created_at)"
        " VALUES (1, '城关镇', 'township', 1, '2024-12-01T00:00:00.000000+00:00')"
    )
    for sid, report in ((7, '{"tables": {"三": [[1, 2, 3]]}}'), (8, '{"tables": {"x": 1}}'), (9, '{"tables": [1]}')):
        db.execute(
            "INSERT INTO submissions (id, agency_id, year, received_at, input_format, parsed, error_count, issues_json, report_json)"
            f" VALUES ({sid}, 1, 2024, '2025-01-0{sid - 6}T00:00:00.000000+00:00', 'docx', 1, 0, '[]', ?)",
            (report,),
        )
    db.close()
    with Store(db_path) as store:
        assert store.schema_version() == latest_version()
        [state] = store.campaign(2024, Config(), T0.date())
        assert state.state == "passing" and state.deciding.id == 9
        assert not state.counted and state.not_counted == "统计表不完整（空白单元格无法按勾稽关系推出）"
        assert store.get_submission(7).report == {"tables": {"三": [[1, 2, 3]]}}  # kept as it came


def test_refuses_database_from_newer_code(db_path: Path) -> None:
    Store(db_path).close()
    with raw(db_path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('nianbao', 'm9999_future', '2030-01-01')"
        )
    with pytest.raises(RuntimeError, match="newer"):
        Store(db_path)


def test_closed_store_raises(db_path: Path) -> None:
    s = Store(db_path)
    s.close()
    s.close()  # idempotent
    with pytest.raises(StorageError):
        s.list_agencies()


# --------------------------------------------------------------------------- agencies


def test_add_agency_is_idempotent_and_updates_level(store: Store) -> None:
    a = store.add_agency("  城关镇 ", "乡镇", region="某县")
    assert store.add_agency("城关镇", None) == a
    assert store.get_agency(a).level == "township"
    assert store.add_agency("城关镇", "government") == a
    got = store.get_agency(a)
    assert got.level == "government" and got.region == "某县" and got.active
    assert len(store.list_agencies()) == 1
    assert store.get_agency(999) is None
    with pytest.raises(ValueError):
        store.add_agency("某单位", "外星部门")
    with pytest.raises(ValueError):
        store.add_agency("   ", "township")


def test_find_agency_exact_substring_ambiguous(store: Store) -> None:
    edu = store.add_agency("县教育局", "county_department")
    store.add_agency("县教育局机关服务中心", "other")
    store.add_agency("城关镇", "township")
    health = store.add_agency("县卫生健康局", "county_department")

    assert store.find_agency("县教育局").id == edu  # exact wins over substrings
    assert store.find_agency("卫生").id == health
    assert store.find_agency("不存在") is None
    assert store.find_agency("") is None
    with pytest.raises(AmbiguousAgency) as exc:
        store.find_agency("教育")
    assert {a.name for a in exc.value.candidates} == {"县教育局", "县教育局机关服务中心"}

    store.set_agency_active(health, False)
    assert store.find_agency("卫生") is None
    assert store.find_agency("卫生", include_inactive=True).id == health
    assert [a.name for a in store.list_agencies()] == ["县教育局", "县教育局机关服务中心", "城关镇"]
    assert len(store.list_agencies(active_only=False)) == 4


def test_rename_and_set_level(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    b = store.add_agency("东城街道", "township")
    assert store.rename_agency(a, "城关街道").name == "城关街道"
    assert store.find_agency("城关镇") is None
    with pytest.raises(AgencyNameTaken):
        store.rename_agency(a, "东城街道")
    assert store.get_agency(a).name == "城关街道"
    assert store.set_agency_level(b, "县直部门").level == "county_department"
    with pytest.raises(NotFound):
        store.rename_agency(999, "x")
    with pytest.raises(NotFound):
        store.set_agency_active(999, False)


# --------------------------------------------------------------------------- roster


ROSTER = (
    "name,level,region,parent,active\n"
    "城关镇,乡镇,某县,,\n"
    "东城街道,街道,某县,,1\n"
    "县教育局,县直部门,,县人民政府,\n"
    "县财政局,县级部门,,,是\n"
    "市统计局,市直部门,,,\n"
    "某县人民政府,政府,,,\n"
    "县委老干部局,县委部门,,,\n"  # line 8: unknown level
    ",township,,,\n"  # line 9: no name
    "县档案馆,other,,,停用\n"
)


def test_roster_utf8_bom_aliases_and_bad_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(ROSTER.encode("utf-8-sig"))
    result = store.import_roster_csv(path, now=T0)
    assert (result.added, result.updated, result.unchanged) == (7, 0, 0)
    assert len(result.errors) == 2
    assert result.errors[0].startswith("第8行") and "县委部门" in result.errors[0]
    assert result.errors[1].startswith("第9行")

    levels = {a.name: a.level for a in store.list_agencies(active_only=False)}
    assert levels == {
        "城关镇": "township",
        "东城街道": "township",
        "县教育局": "county_department",
        "县财政局": "county_department",
        "市统计局": "city_department",
        "某县人民政府": "government",
        "县档案馆": "other",
    }
    edu = store.find_agency("县教育局")
    assert edu.parent == "县人民政府" and edu.region is None
    assert store.find_agency("城关镇").region == "某县"
    assert store.find_agency("县档案馆", include_inactive=True).active is False
    assert store.find_agency("县档案馆") is None
    assert store.find_agency("城关镇").created_at == T0


def test_roster_reimport_updates_not_duplicates(store: Store) -> None:
    store.import_roster_csv(ROSTER)
    again = store.import_roster_csv(ROSTER)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
    changed = ROSTER.replace("市统计局,市直部门,,,", "市统计局,政府,,,").replace(
        "县档案馆,other,,,停用", "县档案馆,other,,,启用"
    ) + "新区管委会,其他,,,\n"
    third = store.import_roster_csv(changed)
    assert (third.added, third.updated, third.unchanged) == (1, 2, 5)
    assert len(store.list_agencies(active_only=False)) == 8
    assert store.find_agency("市统计局").level == "government"
    assert store.find_agency("县档案馆").active is True


def test_roster_gb18030_chinese_headers_and_tabs(store: Store, tmp_path: Path) -> None:
    text = "单位名称,类型,地区\r\n城关镇,乡镇,某县\r\n县教育局,县直部门,\r\n"
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode("gb18030"))
    result = store.import_roster_csv(str(path))
    assert (result.added, result.errors) == (2, [])
    assert store.find_agency("城关镇").region == "某县"
    # raw bytes (an uploaded file) and tab-separated text
    result = store.import_roster_csv("名称\t级别\n县公安局\tcounty-department\n".encode("gb18030"))
    assert (result.added, result.errors) == (1, [])
    assert store.find_agency("公安").level == "county_department"


def test_roster_missing_column_duplicates_and_bad_active(store: Store) -> None:
    result = store.import_roster_csv("name,region\n城关镇,某县\n")
    assert result.added == 0 and len(result.errors) == 1
    assert "第1行" in result.errors[0] and "level" in result.errors[0]

    result = store.import_roster_csv(
        "name,level,active\n城关镇,乡镇,\n城关镇,政府,\n东城街道,街道,也许\n"
    )
    assert result.added == 1
    assert result.errors[0].startswith("第3行") and "重复" in result.errors[0]
    assert result.errors[1].startswith("第4行") and "也许" in result.errors[1]
    assert store.find_agency("城关镇").level == "township"


def test_roster_quoted_multiline_field_keeps_line_numbers(store: Store) -> None:
    text = 'name,level\n"城关镇\n（原城关乡）",乡镇\n坏单位,未知\n'
    result = store.import_roster_csv(text)
    assert result.added == 1
    assert result.errors == [result.errors[0]] and result.errors[0].startswith("第4行")


# --------------------------------------------------------------------------- members


def test_members_bind_rebind_and_roles(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    b = store.add_agency("东城街道", "township")
    m = store.bind_member(1, a, display_name="张三", now=T0)
    assert (m.agency_id, m.role, m.display_name, m.joined_at) == (a, "staff", "张三", T0)
    # same agency: joined_at and name kept
    m = store.bind_member(1, a, now=T0 + timedelta(days=1))
    assert m.joined_at == T0 and m.display_name == "张三"
    # new agency: joined_at moves
    m = store.bind_member(1, b, now=T0 + timedelta(days=2))
    assert m.agency_id == b and m.joined_at == T0 + timedelta(days=2)

    store.bind_member(2, None, role="supervisor", now=T0)
    store.bind_member(3, b, role="staff", now=T0 + timedelta(hours=1))
    assert store.set_role(3, "admin").role == "admin"
    assert [x.user_id for x in store.list_members(agency_id=b)] == [3, 1]
    assert [x.user_id for x in store.list_members(role="supervisor")] == [2]
    assert [x.user_id for x in store.list_members(agency_id=b, role="staff")] == [1]
    assert store.get_member(99) is None

    with pytest.raises(ValueError):
        store.bind_member(4, None, role="staff")
    with pytest.raises(ValueError):
        store.set_role(2, "staff")  # supervisor without agency
    with pytest.raises(ValueError):
        store.set_role(3, "boss")
    with pytest.raises(NotFound):
        store.set_role(99, "admin")
    with pytest.raises(NotFound):
        store.bind_member(5, 999)
    assert store.remove_member(3) is True and store.get_member(3) is None
    assert store.remove_member(3) is False


# --------------------------------------------------------------------------- invites


def test_invite_code_shape_and_uniqueness(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    codes = {store.create_invite(a, now=T0) for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(f"[{INVITE_ALPHABET}]{{8}}", code)
        assert not set(code) & set("0O1I")
    inv = store.get_invite(next(iter(codes)))
    assert inv.expires_at == T0 + timedelta(days=14) and inv.used_by is None


def test_redeem_invite_case_insensitive_single_use(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    code = store.create_invite(a, now=T0)
    member = store.redeem_invite(f" {code.lower()[:4]}-{code.lower()[4:]} ", 42, "张三", now=T0)
    assert (member.user_id, member.agency_id, member.role, member.display_name) == (42, a, "staff", "张三")
    assert store.get_member(42) == member
    inv = store.get_invite(code)
    assert inv.used_by == 42 and inv.used_at == T0

    with pytest.raises(InviteError) as exc:
        store.redeem_invite(code, 43, now=T0)
    assert exc.value.reason == "used" and exc.value.used_by == 42
    assert store.get_member(43) is None
    with pytest.raises(InviteError) as exc:
        store.redeem_invite(code, 42, now=T0)
    assert exc.value.reason == "used"


def test_redeem_invite_full_width_input(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    code = store.create_invite(a, now=T0)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)  # what a Chinese IME may send
    assert store.redeem_invite(full_width, 7, now=T0).agency_id == a


def test_invite_expiry_with_injected_clock(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    c1 = store.create_invite(a, ttl_days=2, now=T0)
    c2 = store.create_invite(a, ttl_days=2, now=T0)
    ok = store.redeem_invite(c1, 1, now=T0 + timedelta(days=2) - timedelta(seconds=1))
    assert ok.agency_id == a
    with pytest.raises(InviteError) as exc:
        store.redeem_invite(c2, 2, now=T0 + timedelta(days=2))
    assert exc.value.reason == "expired"
    assert store.get_member(2) is None
    assert store.get_invite(c2).used_by is None


def test_unknown_invite_and_supervisor_invite(store: Store) -> None:
    with pytest.raises(InviteError) as exc:
        store.redeem_invite("ABCDEFGH", 1)
    assert exc.value.reason == "unknown" and "不存在" in str(exc.value)
    code = store.create_invite(None, role="supervisor", now=T0)
    m = store.redeem_invite(code, 9, now=T0)
    assert (m.agency_id, m.role) == (None, "supervisor")
    with pytest.raises(ValueError):
        store.create_invite(None, role="staff")
    with pytest.raises(NotFound):
        store.create_invite(999)


# --------------------------------------------------------------------------- submissions


def test_add_submission_roundtrip_and_idempotent_update_id(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    issues = [{"rule": "T3.sum", "severity": "error", "message": "表三合计不等于各项之和"}]
    report = {"year": 2024, "tables": {"三": [[1, 2, 3]]}}
    first = store.add_submission(
        sub(a, user_id=42, file_name="年报.docx", size=1234, sha256="ab" * 32,
            error_count=1, warning_count=2, info_count=3, issues=issues, report=report,
            update_id=1001),
        now=T0,
    )
    again = store.add_submission(sub(a, update_id=1001, error_count=0), now=T0 + timedelta(minutes=1))
    assert again == first
    assert len(store.list_submissions(a)) == 1
    s = store.get_submission(first)
    assert s.issues == issues and s.report == report
    assert (s.file_name, s.size, s.error_count, s.warning_count, s.info_count) == ("年报.docx", 1234, 1, 2, 3)
    assert s.received_at == T0 and s.parsed is True and s.user_id == 42
    assert store.submission_for_update(1001).id == first
    assert store.submission_for_update(1002) is None

    # null update ids never collide
    x = store.add_submission(sub(a), now=T0)
    y = store.add_submission(sub(a), now=T0)
    assert x != y
    unreadable = store.add_submission(
        sub(a, parsed=False, input_format="pdf", message="无法读取：不支持的格式"), now=T0
    )
    u = store.get_submission(unreadable)
    assert u.report is None and u.issues == [] and u.message == "无法读取：不支持的格式"

    with pytest.raises(NotFound):
        store.add_submission(sub(999))
    with pytest.raises(TypeError):
        store.add_submission(sub(a, year="2024"))
    assert store.get_submission(12345) is None


def test_latest_before_id_and_list_order(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    b = store.add_agency("东城街道", "township")
    s1 = store.add_submission(sub(a, received_at=T0), now=T0)
    s2 = store.add_submission(sub(a, parsed=False, received_at=T0 + timedelta(hours=1)))
    s3 = store.add_submission(sub(a, received_at=T0 + timedelta(hours=2)))
    s4 = store.add_submission(sub(a, received_at=T0 + timedelta(hours=2)))  # same instant: id breaks tie
    old = store.add_submission(sub(a, year=2023, received_at=T0 + timedelta(hours=3)))
    store.add_submission(sub(b, received_at=T0 + timedelta(hours=5)))

    assert store.latest_submission(a, 2024).id == s4
    assert store.latest_submission(a, 2024, before_id=s4).id == s3
    assert store.latest_submission(a, 2024, before_id=s3).id == s2
    assert store.latest_submission(a, 2024, before_id=s3, parsed_only=True).id == s1
    assert store.latest_submission(a, 2024, before_id=s1) is None
    assert store.latest_submission(a, 2024, before_id=99999) is None
    assert store.latest_submission(a, 2023).id == old
    assert store.latest_submission(a, 2022) is None

    assert [s.id for s in store.list_submissions(a, 2024)] == [s4, s3, s2, s1]
    assert [s.id for s in store.list_submissions(a)] == [old, s4, s3, s2, s1]
    assert [s.id for s in store.list_submissions(a, limit=2)] == [old, s4]


def test_campaign_states(store: Store) -> None:
    none = store.add_agency("甲镇", "township")
    ok = store.add_agency("乙镇", "township")
    bad = store.add_agency("丙局", "county_department")
    unread = store.add_agency("丁局", "county_department")
    gone = store.add_agency("戊局（已撤销）", "other")
    store.set_agency_active(gone, False)

    t = T0
    store.add_submission(sub(ok, error_count=3, received_at=t))
    store.add_submission(sub(ok, error_count=0, warning_count=2, received_at=t + timedelta(hours=1)))
    store.add_submission(sub(bad, error_count=0, received_at=t))
    store.add_submission(sub(bad, error_count=2, received_at=t + timedelta(hours=1)))
    last = store.add_submission(sub(unread, parsed=False, input_format="doc", received_at=t + timedelta(hours=1)))
    # an unreadable upload after a passing draft does not undo it
    store.add_submission(sub(ok, parsed=False, input_format="pdf", received_at=t + timedelta(hours=2)))
    store.add_submission(sub(none, year=2023, received_at=t))  # other year does not count
    store.add_submission(sub(gone, received_at=t))

    after_deadline = datetime(2025, 2, 10).date()
    rows = store.campaign(2024, Config(), after_deadline)
    assert [r.agency.id for r in rows] == [none, ok, bad, unread, gone]  # a deactivated agency stays listed
    by_id = {r.agency.id: r for r in rows}
    assert by_id[none].state == "not_submitted" and by_id[none].deciding is None
    assert by_id[none].drafts == 0 and by_id[none].label == "未报送" and by_id[none].late_days == 10
    assert by_id[ok].state == "passing" and by_id[ok].drafts == 3 and by_id[ok].label == "通过"
    assert by_id[ok].deciding.warning_count == 2 and by_id[ok].late_days == 0
    assert by_id[bad].state == "errors" and by_id[bad].deciding.error_count == 2 and by_id[bad].label == "有错误"
    assert by_id[unread].state == "unreadable" and by_id[unread].deciding.id == last and by_id[unread].label == "无法读取"
    assert by_id[gone].state == "inactive" and by_id[gone].label == "已停用"
    assert by_id[gone].late_days == 0 and not by_id[gone].needs_reminder and not by_id[gone].counted
    assert by_id[ok].agency.name == "乙镇" and by_id[ok].agency.level == "township"
    states_2023 = [r.state for r in store.campaign(2023, Config(), after_deadline)]
    assert states_2023 == ["passing", "not_submitted", "not_submitted", "not_submitted", "inactive"]
    assert by_id[ok].deciding.issues == [] and by_id[ok].deciding.report is None  # summaries only


# --------------------------------------------------------------------------- reminders


def test_claim_reminder_once_even_across_reopen(db_path: Path) -> None:
    key = "2024:agency:17:days-7"
    with Store(db_path) as store:
        assert store.reminder_sent(key) is False
        assert store.claim_reminder(key, 1001, now=T0) is True
        assert store.claim_reminder(key, 1001, now=T0) is False
        assert store.claim_reminder("2024:supervisor:42:days-7", 42, now=T0) is True
        assert store.reminder_sent(key) is True
    with Store(db_path) as store:
        assert store.reminder_sent(key) is True
        assert store.claim_reminder(key, 1001) is False
        assert store.release_reminder(key) is True
        assert store.claim_reminder(key, 1001) is True


def test_claim_reminder_concurrent_single_winner(store: Store) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: store.claim_reminder("2024:agency:1:days-3", i), range(32)))
    assert results.count(True) == 1


# --------------------------------------------------------------------------- concurrency


def test_concurrent_add_submission_from_8_threads(store: Store) -> None:
    agencies = [store.add_agency(f"单位{i}", "township") for i in range(4)]
    per_thread = 40
    barrier = threading.Barrier(8)

    def work(t: int) -> list[int]:
        barrier.wait()
        ids = []
        for i in range(per_thread):
            # half the updates are "redelivered" by another thread (same update_id)
            update_id = (t // 2) * 1000 + i if i % 2 == 0 else None
            ids.append(
                store.add_submission(
                    sub(agencies[(t + i) % 4], update_id=update_id, issues=[{"t": t, "i": i}])
                )
            )
            if i % 5 == 0:
                store.campaign(2024, Config(), T0.date())  # readers interleaved with writers
        return ids

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))

    distinct = {i for ids in results for i in ids}
    # 8 threads x 20 null-update submissions + 4 thread pairs x 20 shared update ids
    expected = 8 * 20 + 4 * 20
    assert len(distinct) == expected
    assert sum(r.drafts for r in store.campaign(2024, Config(), T0.date())) == expected
    for t in range(0, 8, 2):  # paired threads got the same ids for shared update ids
        assert results[t][0::2] == results[t + 1][0::2]


def test_concurrent_writers_on_two_connections(db_path: Path) -> None:
    """Two Store objects on one file (like bot + admin CLI): busy_timeout + BEGIN IMMEDIATE."""
    s1, s2 = Store(db_path), Store(db_path)
    try:
        a = s1.add_agency("城关镇", "township")

        def work(t: int) -> None:
            s = s1 if t % 2 else s2
            for i in range(25):
                s.add_submission(sub(a, update_id=t * 100 + i % 20))
                s.claim_reminder(f"k{i}", t)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(work, range(8)))
        assert len(s2.list_submissions(a, limit=1000)) == 8 * 20
    finally:
        s1.close()
        s2.close()


def test_concurrent_redeem_single_winner(store: Store) -> None:
    a = store.add_agency("城关镇", "township")
    code = store.create_invite(a, now=T0)

    def attempt(user: int) -> str:
        try:
            store.redeem_invite(code, user, now=T0)
            return "ok"
        except InviteError as exc:
            return exc.reason

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(100, 116)))
    assert outcomes.count("ok") == 1 and outcomes.count("used") == 15
    assert len(store.list_members(agency_id=a)) == 1
