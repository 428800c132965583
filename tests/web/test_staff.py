"""Staff: upload a draft (a Word file, or the text pasted), read its issues next to its tables,
download the marked-up copy; and nothing of another agency, whatever URL they type."""

from __future__ import annotations

import io
import zipfile

import aiohttp

from fixtures.cli import run_cli
from web.harness import one_mistake_docx, sample_bytes

A, B = "学张乡人民政府", "策勒乡人民政府"
FLAGGED = "//table[@data-table='依申请公开']//td[contains(concat(' ', @class, ' '), ' flagged ')]"


def cli_first_issue(path) -> str:
    run = run_cli("check", str(path))
    return next(line for line in run.stdout.splitlines() if line.strip().startswith("1."))


def issue_texts(page) -> list[str]:
    return page.texts("//ol[@id='issues']/li//p[@class='what']")


def word_file(name: str, data: bytes) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("draft", data, filename=name, content_type="application/octet-stream")
    return form


async def upload(staff, agency_id: int, name: str, data: bytes):
    form = word_file(name, data)
    form.add_field("csrf", staff.csrf)
    return await staff.post(f"/agency/{agency_id}/upload", form)


async def test_staff_upload_a_docx_see_the_issue_at_its_cell_and_download_the_marked_up_copy(site, tmp_path):
    draft = tmp_path / "学张乡2024年报.docx"
    draft.write_bytes(one_mistake_docx())
    staff = await site.staff(A)
    page = await upload(staff, site.ids[A], draft.name, draft.read_bytes())
    assert page.url.startswith("/submission/")

    issues = issue_texts(page)
    assert len(issues) == 1 and issues[0] in cli_first_issue(draft)  # the same words as the command line
    assert "1 个错误" in page.text_of("verdict")
    flagged = page.all(FLAGGED)
    assert [cell.get("data-issues") for cell in flagged] == ["1"]
    row = flagged[0].xpath("./ancestor::tr/th")[0]
    header = page.texts("//table[@data-table='依申请公开']/thead//th")
    cells = row.xpath("./following-sibling::td")
    position = [c.get("data-issues") for c in cells].index("1")
    assert row.text_content().strip().startswith("予以公开") and header[position + 1] == "自然人"
    assert flagged[0].text_content().split()[0] == "5"

    marked = await staff.get(page.doc.get_element_by_id("download-marked").get("href"))
    assert marked.status == 200 and "attachment" in marked.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(marked.body)) as package:
        comments = package.read("word/comments.xml").decode("utf-8")
    assert "予以公开" in comments and "应为 0" in comments


async def test_a_pasted_report_is_checked_and_shows_what_changed_since_the_previous_draft(site):
    staff = await site.staff(A)
    text = sample_bytes("000").decode("utf-8")
    first = issue_texts(await staff.post(f"/agency/{site.ids[A]}/upload", {"text": text}))
    assert sum("标题编号有误" in issue for issue in first) == 2  # the sample's two numbering slips
    fixed = text.replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况")
    page = await staff.post(f"/agency/{site.ids[A]}/upload", {"text": fixed})
    assert f"已改正 1 项，仍未改正 {len(first) - 1} 项，新出现 0 项" in page.text_of("changes")
    history = await staff.get(f"/agency/{site.ids[A]}")
    assert len(history.all("//table[@id='history']/tbody/tr")) == 2


async def test_a_hostile_file_is_refused_as_in_chat_and_the_desk_stays_up(site):
    from fixtures.hostile import zip_bomb

    staff = await site.staff(A)
    page = await upload(staff, site.ids[A], "年报.docx", zip_bomb(1024 * 1024 * 1024))
    assert "压缩炸弹" in page.text_of("unreadable")  # the chat's words for it
    assert "无法读取" in (await staff.get(f"/agency/{site.ids[A]}")).text_of("history")


async def test_staff_of_one_agency_cannot_open_any_page_or_file_of_another(site):
    other = await site.submit(B, one_mistake_docx(), "策勒乡.docx")
    staff = await site.staff(A)
    mine, theirs = site.ids[A], site.ids[B]
    for path in (
        f"/agency/{theirs}", f"/submission/{other}", f"/submission/{other}/original", f"/submission/{other}/marked.docx",
        f"/peers/{theirs}", "/peers", "/overview", "/overview/chart.png", "/export/summary.xlsx", "/export/status.csv",
        "/submission/999999",
    ):
        page = await staff.get(path)
        assert page.status == 404 and "找不到页面" in page.text, path
        assert "策勒乡" not in page.text, path
    for path, fields in (
        (f"/submission/{other}/explain", {"number": "1", "text": "x"}), (f"/agency/{theirs}/upload", {"text": "x"}),
        (f"/submission/{other}/accept", {"number": "1", "reason": "x"}), (f"/agency/{theirs}/invite", {}),
    ):
        assert (await staff.post(path, fields)).status == 404, path
    assert (await staff.get(f"/agency/{mine}")).text_of("agency-name") == A
