"""What the database file gives away: it and its WAL/SHM files are readable by their owner
only, whatever the umask, and it keeps no usable invite code (a supervisor's acts as a
password) — only its hash, which still redeems the code typed by its recipient."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

from nianbao.storage import Store
from nianbao.storage.migrations import apply_migrations
from sqlite_utils import Database


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cli(*args: str, database) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        capture_output=True, text=True, env={**os.environ, "NIANBAO_DB": str(database)},
        preexec_fn=lambda: os.umask(0o022),  # the default umask outside the systemd unit
    )  # fmt: skip


def test_the_database_and_its_wal_and_shm_files_are_private(tmp_path):
    database = tmp_path / "nianbao.db"
    run = cli("agencies", "add", "学张乡人民政府", "--level", "township", database=database)
    assert run.returncode == 0, run.stderr
    with Store(database):  # open, so that the WAL and SHM files exist
        files = [database, tmp_path / "nianbao.db-wal", tmp_path / "nianbao.db-shm"]
        assert all(path.exists() for path in files)
        assert [oct(mode(path)) for path in files] == [oct(0o600)] * 3


def test_a_world_readable_database_is_made_private_when_opened(tmp_path):
    database = tmp_path / "nianbao.db"
    Store(database).close()
    database.chmod(0o644)
    Store(database).close()
    assert mode(database) == 0o600


def test_invite_codes_are_kept_hashed_and_still_redeem(tmp_path):
    database = tmp_path / "nianbao.db"
    cli("agencies", "add", "学张乡人民政府", "--level", "township", database=database)
    run = cli("invite", "学张乡人民政府", database=database)
    assert run.returncode == 0, run.stderr
    code = run.stdout.strip().split()[-1]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("nianbao.db*"))
    assert code.encode() not in raw and code.lower().encode() not in raw
    with Store(database) as store:
        member = store.redeem_invite(code.lower(), 555, display_name="张三")
        assert member.role == "staff"


def test_codes_made_before_the_upgrade_are_hashed_by_it(tmp_path):
    database = tmp_path / "nianbao.db"
    connection = sqlite3.connect(database)
    apply_migrations(Database(connection), stop_before="m0008_invite_codes_hashed")
    connection.execute("INSERT INTO agencies (name, level, created_at) VALUES ('学张乡人民政府', 'township', '2025-01-01T00:00:00+00:00')")
    connection.execute(
        "INSERT INTO invites (code, agency_id, role, created_at, expires_at) "
        "VALUES ('ABCD2345', 1, 'staff', '2025-01-01T00:00:00+00:00', '2099-01-01T00:00:00+00:00')"
    )
    connection.commit()
    connection.close()
    with Store(database) as store:
        assert store.redeem_invite("abcd-2345", 556).agency_id == 1
    with sqlite3.connect(database) as connection:
        [(kept,)] = connection.execute("SELECT code FROM invites").fetchall()
    assert kept != "ABCD2345" and len(kept) == 64


def test_acceptances_are_in_the_audit_log(tmp_path):

    with Store(tmp_path / "nianbao.db") as store:
        agency = store.add_agency("学张乡人民政府", "township")
        store.accept_issue(agency, 2024, ("T201", "表二"), code="T201", message=None, submission_id=None,
                                  reason="已核实", by=9001)  # fmt: skip
        [event] = store.list_events()
        assert (event.action, event.actor, event.agency_name) == ("accept", 9001, "学张乡人民政府")
