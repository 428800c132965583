"""The verdict's wording (issue 13, items 11 and 17): a report without errors is recorded as
passed (sending it is the 报送); 「所有错误都已改正」 only when there were errors to correct; a .doc
gets a word on why no 批注版 comes back."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, sample_text


def passing_000() -> str:
    return sample_text("000").replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况").replace("3、 收到和处理", "三、收到和处理")


async def test_a_passing_report_is_recorded_as_passed(env):
    text = env.text(await env.upload(STAFF_XUEZHANG, "学张乡.txt", passing_000().encode()))
    assert "0 个错误" in text
    assert "已记录为通过" in text and "可以报送" not in text


async def test_no_congratulations_for_corrections_never_needed(env):
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", passing_000().encode())
    again = env.text(await env.upload(STAFF_XUEZHANG, "学张乡2.txt", (passing_000() + "\n").encode()))
    assert "所有错误都已改正" not in again


async def test_congratulations_when_errors_were_corrected(env):
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", sample_text("000").encode())
    fixed = env.text(await env.upload(STAFF_XUEZHANG, "学张乡.txt", passing_000().encode()))
    assert "所有错误都已改正" in fixed


def _doc(docx: bytes, tmp_path) -> bytes:
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "draft.docx"
    source.write_bytes(docx)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
             "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": profile},
        )  # fmt: skip
    return (tmp_path / "draft.doc").read_bytes()


async def test_a_doc_gets_a_marked_up_copy_of_its_converted_docx_and_is_told_so(env, sample_docx, tmp_path):
    from nianbao.validators.annotate import read_comments

    name = next(n for n in sorted(sample_docx) if n.startswith("003"))
    replies = await env.upload(STAFF_XUEZHANG, "年报.doc", _doc(sample_docx[name], tmp_path), timeout=60)
    [marked] = [m for m in replies if m.is_file]  # the 批注版, of the .docx LibreOffice made
    assert marked.filename.endswith(".docx") and marked.data[:2] == b"PK"
    text = env.text(replies)
    assert "审核结果" in text and "转换成的 .docx 副本" in text
    [draft] = env.store.list_submissions(env.store.find_agency("学张乡人民政府").id, 2024)
    comments = read_comments(marked.data)
    assert draft.input_format == "doc" and len(comments) >= len(draft.issues) > 0  # a comment at each issue
