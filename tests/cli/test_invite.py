"""``nianbao invite --days``: a checked number of days, a clear message (no traceback) and no
code created when it is wrong."""

from __future__ import annotations

import pytest

from fixtures.cli import Completed, run_cli

from nianbao.storage import Store


def invite(database, *args: str) -> Completed:
    return run_cli("invite", *args, env={"NIANBAO_DB": str(database)})


@pytest.mark.parametrize("days", ["-1", "0", "abc", "100000000000"])
def test_a_wrong_number_of_days_is_refused_plainly(tmp_path, days):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        store.add_agency("学张乡人民政府", "township")
    run = invite(database, "学张乡人民政府", "--days", days)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "有效天数应" in run.stderr
    assert "邀请码" not in run.stdout


def test_a_sensible_number_of_days_makes_a_code(tmp_path):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        store.add_agency("学张乡人民政府", "township")
    run = invite(database, "学张乡人民政府", "--days", "7")
    assert run.returncode == 0, run.stderr
    assert "7 天内有效" in run.stdout
