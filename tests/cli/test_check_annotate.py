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


def test_annotate_never_writes_over_a_file_the_run_reads(sample_texts, tmp_path):
    """`check --annotate sy.docx sy.docx` (or a link to it, or --previous) is refused before anything is written."""
    import os

    draft = tmp_path / "sy.docx"
    original = two_mistakes_draft(sample_texts)
    draft.write_bytes(original)
    os.link(draft, tmp_path / "hard.docx")
    (tmp_path / "soft.docx").symlink_to(draft)
    for target, where in (("sy.docx", tmp_path), (str(draft), None), ("./sy.docx", tmp_path), ("hard.docx", tmp_path), ("soft.docx", tmp_path)):
        run = run_cli("check", "--annotate", target, "sy.docx", cwd=where or tmp_path)
        assert run.returncode == 2, (target, run.stderr)
        assert "批注版会覆盖原稿" in run.stderr and "已生成批注版" not in run.stderr
        assert draft.read_bytes() == original
    other = tmp_path / "other.docx"
    other.write_bytes(original)
    run = run_cli("check", "--annotate", str(other), "--previous", str(other), str(draft))
    assert run.returncode == 2 and "批注版会覆盖原稿" in run.stderr and other.read_bytes() == original


def test_annotate_marks_up_a_doc_on_its_converted_copy_as_chat_does(sample_docx, tmp_path):
    """A .doc draft gets the 批注版 of the .docx LibreOffice made of it, one comment per issue,
    and is told it is a converted copy (the check reads it once: the copy is made on that read)."""
    import os
    import shutil
    import subprocess
    import tempfile

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "叉干镇.docx"
    source.write_bytes(next(v for k, v in sample_docx.items() if k.startswith("003")))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": profile},
        )  # fmt: skip
    out = tmp_path / "批注版.docx"
    run = run_cli("check", "--annotate", str(out), str(tmp_path / "叉干镇.doc"))
    assert run.returncode == 1, run.stderr
    numbered = [line for line in run.stdout.splitlines() if line[:1].isdigit()]
    assert f"已生成批注版：{out}（{len(numbered)} 条批注）" in run.stderr and "原文件是 .doc" in run.stderr
    assert [c.text.split("\n")[0] for c in sorted(read_comments(out.read_bytes()), key=lambda c: c.number)] == numbered
