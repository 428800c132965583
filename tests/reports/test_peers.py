"""Peers and trends over real report tables: key figures, quartiles, outliers."""

from __future__ import annotations

import copy

from nianbao.reports.peers import key_figures, key_figures_of_cells, outliers_of, peer_spreads
from nianbao.storage.figures import cells_of
from nianbao.validators.engine import check_bytes


def tables(new: int = 9, licences: int = 3, review: int = 0) -> dict:
    return {
        "主动公开": {"规章": {"本年制发件数": 0}, "行政规范性文件": {"本年制发件数": 2}, "行政许可": {"本年处理决定数量": licences},
                 "行政处罚": {"本年处理决定数量": 0}, "行政强制": {"本年处理决定数量": 0}},
        "依申请公开": {"本年新收政府信息公开申请数量": {"总计": new}, "上年结转政府信息公开申请数量": {"总计": 1}, "结转下年度继续办理": {"总计": 0}},
        "复议诉讼": {"行政复议": {"结果纠正": 0, "总计": review}, "未经复议直接起诉": {"结果纠正": 1, "总计": 2}, "复议后起诉": {"结果纠正": 0, "总计": 1}},
    }


def test_key_figures_sum_the_lawsuits_and_read_blank_as_missing():
    figures = key_figures(tables(new=9))
    assert figures["本年新收申请"] == 9 and figures["行政诉讼"] == 3 and figures["行政诉讼纠正"] == 1
    blank = copy.deepcopy(tables())
    blank["主动公开"]["行政许可"]["本年处理决定数量"] = None
    assert key_figures(blank)["行政许可"] is None and key_figures(None)["行政许可"] is None


def test_the_figures_kept_of_a_report_give_its_key_figures(sample_texts):
    # peers are compared from the figures kept when a report is stored, not from its JSON
    read = []
    for name, text in sample_texts.items():
        stored = check_bytes(text.encode(), f"{name}.txt").report.tables_json()
        assert key_figures_of_cells(cells_of(stored)) == key_figures(stored), name
        read.append(key_figures(stored)["本年新收申请"])
    assert sum(figure is not None for figure in read) >= 4  # the samples' figures were read, not all missing
    blank = copy.deepcopy(tables())
    blank["复议诉讼"]["复议后起诉"]["总计"] = "—"
    assert key_figures_of_cells(cells_of(blank)) == key_figures(blank) and key_figures(blank)["行政诉讼"] is None


def test_quartiles_and_outliers_far_from_peers_zero_among_large_and_a_jump():
    peers = [key_figures(tables(new=n, licences=40 + n)) for n in (8, 9, 10, 11, 12, 10, 9)]
    spreads = peer_spreads(peers)
    assert spreads["本年新收申请"].median == 10 and spreads["本年新收申请"].q1 == 9
    odd = key_figures(tables(new=300, licences=0))
    found: dict[str, list[str]] = {}
    for outlier in outliers_of(1, "某单位", odd, spreads, key_figures(tables(new=20, licences=45))):
        found.setdefault(outlier.figure, []).append(outlier.why)
    assert found["本年新收申请"] == ["远高于同级单位（中位数 10，四分位 9–10.5）", "上年为 20，变化很大"]
    assert found["行政许可"] == ["为 0，而同级单位的中位数是 50", "上年为 45，变化很大"]
    usual = key_figures(tables(new=10, licences=50))
    assert outliers_of(2, "平常单位", usual, spreads, key_figures(tables(new=9, licences=48))) == []
