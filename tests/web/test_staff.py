"""Staff in a real browser: upload a draft, read its issues next to its tables, download the
marked-up copy; and nothing of another agency, whatever URL they type."""

from __future__ import annotations

import time
import zipfile

from selenium.webdriver.common.by import By

from fixtures.cli import run_cli
from web.harness import one_mistake_docx, sample_bytes
from web.pages import click_and_wait, issue_texts, page_text, sign_in_with_code, upload_file


def cli_first_issue(path) -> str:
    run = run_cli("check", str(path))
    line = next(line for line in run.stdout.splitlines() if line.strip().startswith("1."))
    return line


def wait_for_download(folder, suffix: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing downloaded into {folder}: {list(folder.iterdir())}")


def test_staff_uploads_a_docx_sees_the_issue_at_its_cell_and_downloads_the_marked_up_copy(chrome, desk, tmp_path):
    draft = tmp_path / "学张乡2024年报.docx"
    draft.write_bytes(one_mistake_docx())
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    upload_file(chrome, draft)

    issues = issue_texts(chrome)
    assert len(issues) == 1 and issues[0] in cli_first_issue(draft)  # the same words as the command line
    assert "1 个错误" in chrome.find_element(By.ID, "verdict").text
    flagged = chrome.find_elements(By.CSS_SELECTOR, "table[data-table='依申请公开'] td.flagged")
    assert [cell.get_attribute("data-issues") for cell in flagged] == ["1"]
    row = flagged[0].find_element(By.XPATH, "./ancestor::tr/th")
    header = chrome.find_elements(By.CSS_SELECTOR, "table[data-table='依申请公开'] thead th")
    cells = row.find_elements(By.XPATH, "./following-sibling::td")
    position = [c.get_attribute("data-issues") for c in cells].index("1")
    assert row.text.startswith("予以公开") and header[position + 1].text == "自然人"
    assert flagged[0].text.split()[0] == "5"

    chrome.find_element(By.ID, "download-marked").click()
    marked = wait_for_download(chrome.downloads, ".docx")
    with zipfile.ZipFile(marked) as package:
        comments = package.read("word/comments.xml").decode("utf-8")
    assert "予以公开" in comments and "应为 0" in comments


def test_a_pasted_report_is_checked_and_shows_what_changed_since_the_previous_draft(chrome, desk):
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    text = sample_bytes("000").decode("utf-8")
    chrome.execute_script("document.getElementById('draft-text').value = arguments[0]", text)  # a paste, not typing
    click_and_wait(chrome, chrome.find_element(By.ID, "upload"))
    first = issue_texts(chrome)
    assert sum("标题编号有误" in issue for issue in first) == 2  # the sample's two numbering slips
    chrome.get(desk.url + f"/agency/{desk.ids['学张乡人民政府']}")
    fixed = text.replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况")
    chrome.execute_script("document.getElementById('draft-text').value = arguments[0]", fixed)
    click_and_wait(chrome, chrome.find_element(By.ID, "upload"))
    changes = chrome.find_element(By.ID, "changes").text
    assert f"已改正 1 项，仍未改正 {len(first) - 1} 项，新出现 0 项" in changes
    chrome.get(desk.url + f"/agency/{desk.ids['学张乡人民政府']}")
    assert len(chrome.find_elements(By.CSS_SELECTOR, "#history tbody tr")) == 2


def test_a_hostile_file_is_refused_as_in_chat_and_the_desk_stays_up(chrome, desk, tmp_path):
    from fixtures.hostile import zip_bomb

    bomb = tmp_path / "年报.docx"
    bomb.write_bytes(zip_bomb(1024 * 1024 * 1024))
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    upload_file(chrome, bomb)
    assert "压缩炸弹" in chrome.find_element(By.ID, "unreadable").text  # the chat's words for it
    chrome.get(desk.url + f"/agency/{desk.ids['学张乡人民政府']}")
    assert "无法读取" in chrome.find_element(By.ID, "history").text


def test_staff_of_one_agency_cannot_open_any_page_or_file_of_another(chrome, desk):
    other = desk.submit("策勒乡人民政府", one_mistake_docx(), "策勒乡.docx")
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    mine = desk.ids["学张乡人民政府"]
    theirs = desk.ids["策勒乡人民政府"]
    for path in (
        f"/agency/{theirs}", f"/submission/{other}", f"/submission/{other}/original", f"/submission/{other}/marked.docx",
        f"/peers/{theirs}", "/peers", "/overview", "/overview/chart.png", "/export/summary.xlsx", "/export/status.csv",
        "/submission/999999",
    ):
        chrome.get(desk.url + path)
        assert "找不到页面" in page_text(chrome), path
        assert "策勒乡" not in page_text(chrome), path
    posted = chrome.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const token = document.querySelector('input[name=csrf]').value;
        const forms = [['/submission/%d/explain', {number: '1', text: 'x'}], ['/agency/%d/upload', {text: 'x'}],
                       ['/submission/%d/accept', {number: '1', reason: 'x'}], ['/agency/%d/invite', {}]];
        Promise.all(forms.map(([url, fields]) => fetch(url, {method: 'POST', body: new URLSearchParams({csrf: token, ...fields})})
            .then(r => r.status))).then(done);
        """ % (other, theirs, other, theirs)
    )
    assert posted == [404, 404, 404, 404]
    chrome.get(desk.url + f"/agency/{mine}")
    assert chrome.find_element(By.ID, "agency-name").text == "学张乡人民政府"
