"""Peers and outliers through chat and the use case: the agencies most worth a look first, one
agency's figures against its peers and its last year side by side, a word on an outlier kept,
and too few peers said plainly."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from bot.harness import SUPERVISOR, running_bot
from nianbao.config import Config
from nianbao.storage import Store, SubmissionIn
from nianbao.usecases.peers import agency_peers, county_peers
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
NEW = "本年新收政府信息公开申请数量"


@pytest.fixture(scope="module")
def tables() -> dict:
    sample = next(SAMPLES.glob("002_*.txt"))
    return result_json(check_bytes(sample.read_bytes(), sample.name, expected_year=2024))["tables"]


def _with_new_requests(tables: dict, count: int) -> dict:
    changed = copy.deepcopy(tables)
    row = changed["依申请公开"][NEW]
    row.update({column: 0 for column in row})
    row["自然人"] = row["总计"] = count
    return changed


def _seed(store: Store, tables: dict, towns: int) -> dict[str, int]:
    ids = {}
    for index in range(towns):
        name = f"第{index + 1}镇人民政府"
        ids[name] = store.add_agency(name, "township")
        count = 400 if index == 0 else 3 + index
        store.add_submission(SubmissionIn(agency_id=ids[name], year=2024, input_format="text", parsed=True,
                                          report={"tables": _with_new_requests(tables, count)},
                                          received_at=dt.datetime(2025, 1, 10, tzinfo=dt.timezone.utc)))
    return ids


async def test_the_agency_far_from_its_peers_comes_first_and_a_word_on_it_is_kept(tmp_path, tables):
    store = Store(tmp_path / "nianbao.db")
    ids = _seed(store, tables, 8)
    async with running_bot(tmp_path, store) as env:
        env.api.add_user(SUPERVISOR)
        ranking = env.text(await env.send(SUPERVISOR, "/peers", count=1))
        assert "1. 第1镇人民政府：本年新收申请 400，远高于同级单位" in ranking
        figures = env.text(await env.send(SUPERVISOR, "/peers 第1镇人民政府", count=1))
        assert "与同级单位（8 个）" in figures and "本年新收申请：400 —— 同级中位数" in figures
        store.note_outlier(ids["第1镇人民政府"], 2024, "本年新收申请", "dismissed", "本年新设便民服务中心，属实", by=SUPERVISOR)
        again = env.text(await env.send(SUPERVISOR, "/peers 第1镇", count=1))
        assert "无需关注：本年新设便民服务中心，属实" in again
        assert "第1镇" not in env.text(await env.send(SUPERVISOR, "/peers", count=1))  # dismissed: no longer ranked
    store.close()


def test_fewer_than_five_peers_are_not_compared(tmp_path, tables):
    with Store(tmp_path / "nianbao.db") as store:
        ids = _seed(store, tables, 3)
        view = agency_peers(store, Config(), ids["第1镇人民政府"], 2024, dt.date(2025, 2, 1))
        assert view.few_peers and all(row.peers is None for row in view.rows)
        assert county_peers(store, Config(), 2024, dt.date(2025, 2, 1)).ranking == ()
