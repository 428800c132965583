"""`nianbao check --annotate` on a returned 批注版 with every issue fixed writes a clean copy."""

from __future__ import annotations

from fixtures.cli import run_cli
from fixtures.roundtrip import CELL, HEADING, replace_in_document, two_mistakes_draft

from nianbao.validators.annotate import check_and_annotate, read_comments


def test_annotate_writes_a_clean_copy_of_a_returned_copy_with_nothing_left(sample_texts, tmp_path):
    _, marked = check_and_annotate(two_mistakes_draft(sample_texts), "初稿.docx")
    returned = tmp_path / "批注版.docx"
    returned.write_bytes(replace_in_document(replace_in_document(marked, *HEADING), *CELL))
    out = tmp_path / "定稿.docx"
    run = run_cli("check", "--annotate", str(out), str(returned))
    assert run.returncode == 0, run.stderr
    assert f"所有问题都已改正，已去掉原来的审核批注，另存为干净版本：{out}" in run.stderr
    assert len(read_comments(marked)) == 2 and read_comments(out.read_bytes()) == []
