"""Bad input, end to end through the real bot and the local Bot API server: every hostile file
gets one clear Chinese reply, the attempt is recorded, and the next person is served normally.

The local server validates HTML as Telegram does (a bad escape fails sendMessage with 400), so
a reply that arrives is a reply that rendered.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bot.harness import (
    STAFF_CHAGAN,
    STAFF_OTHER,
    STAFF_XUEZHANG,
    SUPERVISOR,
    paste_parts,
    running_bot,
    sample_text,
    seed,
)
from nianbao import messages as say
from nianbao.storage import Store
from nianbao.validators.readers.legacy import find_soffice
from fixtures.hostile import entity_bomb, zip_bomb
from validators.test_legacy import ole_file, soffice_convert

MB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- the hostile files


def sample_003_docx(sample_docx: dict[str, bytes]) -> bytes:
    return next(data for name, data in sample_docx.items() if name.startswith("003"))


def random_bytes(_sample_docx, _tmp_path) -> bytes:
    return random.Random(2024).randbytes(4096)


def truncated_docx(sample_docx, _tmp_path) -> bytes:
    data = sample_003_docx(sample_docx)
    return data[: len(data) // 2]


def encrypted_docx(_sample_docx, _tmp_path) -> bytes:
    """What Word saves for a .docx with a password: an OLE compound file, not a zip."""
    return ole_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 5000})


def photo(_sample_docx, _tmp_path) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(out, "PNG")
    return out.getvalue()


def scanned_pdf(_sample_docx, _tmp_path) -> bytes:
    """A page that is one image and no text layer, as a scanner without OCR makes it."""
    out = io.BytesIO()
    Image.new("L", (620, 877), 230).save(out, "PDF", resolution=75)
    return out.getvalue()


def gb18030_text(_sample_docx, _tmp_path) -> bytes:
    return sample_text("003").encode("gb18030")


def legacy_doc(sample_docx, tmp_path: Path) -> bytes:
    source = tmp_path / "叉干镇年报.docx"
    source.write_bytes(sample_003_docx(sample_docx))
    soffice_convert([source], "doc", tmp_path)
    return (tmp_path / "叉干镇年报.doc").read_bytes()


needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")

# case -> (who sends it, file name, how to make it, what the reply must say, reviewed?)
# Unreadable files come from 学张乡; the two that are real reports are 叉干镇's own (sample 003).
HOSTILE = {
    "random_bytes_named_docx": (STAFF_XUEZHANG, "年报.docx", random_bytes, "不是文本，也不是 Word", False),
    "blank_file": (STAFF_XUEZHANG, "年报.docx", lambda *_: b" \n\t \r\n", "文件是空的", False),  # an empty one cannot be sent
    "truncated_docx": (STAFF_XUEZHANG, "年报.docx", truncated_docx, "文件已损坏", False),
    "zip_bomb": (STAFF_XUEZHANG, "年报.docx", lambda *_: zip_bomb(1024 * MB), "压缩炸弹", False),
    "entity_bomb": (STAFF_XUEZHANG, "年报.docx", lambda *_: entity_bomb(), "已损坏", False),
    "encrypted_docx": (STAFF_XUEZHANG, "年报.docx", encrypted_docx, "文件设有密码", False),
    "photo_png": (STAFF_XUEZHANG, "照片.png", photo, "图片无法审核", False),
    "scanned_pdf": (STAFF_XUEZHANG, "扫描件.pdf", scanned_pdf, "没有文字层", False),
    "gb18030_text": (STAFF_CHAGAN, "叉干镇年报.txt", gb18030_text, "6 个错误", True),
    "legacy_doc": (STAFF_CHAGAN, "叉干镇年报.doc", legacy_doc, "6 个错误", True),
}
AGENCY_OF = {STAFF_XUEZHANG: "学张乡人民政府", STAFF_CHAGAN: "大安市叉干镇综合服务中心", STAFF_OTHER: "策勒乡人民政府"}


def is_chinese(text: str) -> bool:
    return len(CJK.findall(text)) >= 10 and "Traceback" not in text and "Error" not in text


async def assert_still_serving(env) -> None:
    """Another agency's ordinary draft, right after: reviewed as usual."""
    replies = await env.upload(STAFF_OTHER, "策勒乡年报.txt", sample_text("004").encode())
    chat = env.text(replies)
    assert "审核结果：策勒乡人民政府" in chat and "个错误" in chat
    [submission] = env.store.list_submissions(env.store.find_agency("策勒乡人民政府").id)
    assert submission.parsed


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=needs_soffice) if c == "legacy_doc" else c for c in HOSTILE]
)
async def test_hostile_file_gets_one_clear_reply_is_recorded_and_the_bot_keeps_serving(env, sample_docx, tmp_path, case):
    user, file_name, make, phrase, reviewed = HOSTILE[case]
    data = make(sample_docx, tmp_path)
    replies = await env.upload(user, file_name, data, timeout=90)

    texts = [m for m in replies if not m.is_file]
    files = [m for m in replies if m.is_file]
    assert len(texts) == 1, replies
    reply = texts[0].plain_text
    assert is_chinese(reply) and phrase in reply, reply
    agency = env.store.find_agency(AGENCY_OF[user])
    [submission] = env.store.list_submissions(agency.id)
    assert submission.file_name == file_name and submission.size == len(data)
    if reviewed:
        assert reply.startswith(f"审核结果：{AGENCY_OF[user]} 2024年度")
        assert submission.parsed and submission.error_count == 6
        assert len(files) <= 1  # the marked-up .docx, when there is one
    else:
        assert reply.startswith(f"❗ 无法审核「{file_name}」")
        assert files == []
        assert submission.parsed is False and submission.message and submission.message in reply
    await assert_still_serving(env)


async def test_gb18030_text_reads_like_the_utf8_original(env):
    """The same report in two encodings: the same review, word for word."""
    utf8 = await env.upload(STAFF_CHAGAN, "叉干镇年报.txt", sample_text("003").encode("utf-8"))
    gbk = await env.upload(STAFF_CHAGAN, "叉干镇年报（GBK）.txt", sample_text("003").encode("gb18030"))
    assert "与上一稿（" in env.text(gbk) and "新出现 0 项" in env.text(gbk)
    first, second = env.store.list_submissions(env.store.find_agency("大安市叉干镇综合服务中心").id)[::-1]
    assert first.sha256 != second.sha256
    assert first.issues == second.issues and first.report["tables"] == second.report["tables"]
    assert len(utf8) == 1


# ---------------------------------------------------------------- too large to download


def docx_with_a_big_picture(sample_docx) -> bytes:
    """The real draft with an 80 KB (incompressible) picture stored inside it."""
    out = io.BytesIO(sample_003_docx(sample_docx))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("word/media/image1.png", random.Random(7).randbytes(80 * 1024))
    return out.getvalue()


async def test_a_file_over_the_size_limit_is_refused_before_it_is_downloaded(tmp_path, sample_docx):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, max_file_mb=0.05) as env:
        for user in (STAFF_CHAGAN, STAFF_OTHER):
            env.api.add_user(user)
        data = docx_with_a_big_picture(sample_docx)
        assert len(data) > 0.05 * MB
        [reply] = await env.upload(STAFF_CHAGAN, "叉干镇年报.docx", data, count=1)
        assert "文件太大" in reply.plain_text and "大图片" in reply.plain_text
        await env.until_idle()
        assert env.api.message_count(STAFF_CHAGAN) == 1  # nothing else follows
        assert (STAFF_CHAGAN, "typing") not in env.api.chat_actions  # sent just before a download
        assert store.inbox_counts() == {}  # not even journalled
        assert not env.store.list_submissions(env.store.find_agency("大安市叉干镇综合服务中心").id)
        files = Path(env.config.files_path)
        assert not files.exists() or not any(files.iterdir())
        small = await env.upload(STAFF_OTHER, "策勒乡年报.txt", sample_text("004").encode())
        assert "审核结果：策勒乡人民政府" in env.text(small)
    store.close()


async def test_the_size_limit_is_shown_as_configured(tmp_path, sample_docx):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, max_file_mb=0.05) as env:
        env.api.add_user(STAFF_CHAGAN)
        [reply] = await env.upload(STAFF_CHAGAN, "叉干镇年报.docx", docx_with_a_big_picture(sample_docx), count=1)
        assert "超过 0 MB" not in reply.plain_text and "0.05 MB" in reply.plain_text
    store.close()


# ---------------------------------------------------------------- not a document at all


PHOTO = {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 1280, "height": 960, "file_size": 180_000}]}
STICKER = {
    "sticker": {"file_id": "sticker-1", "file_unique_id": "s1", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular", "emoji": "👍"}
}


@pytest.mark.parametrize(
    "content, user, answer",
    [(PHOTO, STAFF_XUEZHANG, say.PHOTO_NOT_READABLE), (STICKER, STAFF_XUEZHANG, say.SHORT_TEXT), (PHOTO, 4242, say.NOT_BOUND)],
    ids=["photo", "sticker", "stranger"],
)
async def test_a_photo_or_sticker_message_gets_a_clear_reply(env, content, user, answer):
    since = env.api.message_count(user)
    await env.api.user_sends_message(user, content)
    [reply] = await env.api.wait_for_replies(user, count=1, timeout=10, since=since)
    assert reply.plain_text == answer.replace("<code>", "").replace("</code>", "")
    assert not env.store.list_submissions(env.store.find_agency("学张乡人民政府").id)
    await assert_still_serving(env)


@pytest.mark.parametrize("text", ["。", " . ", "👍", "<>&"])
async def test_an_almost_empty_message_gets_the_help_reply(env, text):
    """An empty message cannot be sent at all (Telegram and the local server refuse it)."""
    [reply] = await env.send(STAFF_XUEZHANG, text, count=1)
    assert "请发送年度报告的 Word 文件（.docx）" in reply.plain_text and "/help" in reply.plain_text
    assert not env.store.list_submissions(env.store.find_agency("学张乡人民政府").id)


# ---------------------------------------------------------------- HTML special characters


ODD_NAME = '测试<乡>&"镇"\'府\''
ODD_FILE = '年报<b>草稿<i>&"1".txt'  # no "/": a file name is cut at the last slash
ODD_STAFF = 1004


async def test_an_agency_name_with_html_characters_shows_literally_everywhere(env):
    agency_id = env.store.add_agency(ODD_NAME, "township")
    env.store.bind_member(ODD_STAFF, agency_id, "staff", "<i>钱七</i>")
    env.api.add_user(ODD_STAFF)
    assert env.store.get_agency(agency_id).name == ODD_NAME

    draft = sample_text("000").replace("学张乡人民政府", ODD_NAME).replace("学张乡", ODD_NAME)
    review = env.text(await env.upload(ODD_STAFF, ODD_FILE, draft.encode()))
    assert f"审核结果：{ODD_NAME} 2024年度" in review and "个错误" in review
    history = env.text(await env.send(ODD_STAFF, "/history", count=1))
    assert f"{ODD_NAME} 的报送记录" in history and ODD_FILE in history
    start = env.text(await env.send(ODD_STAFF, "/start", count=1))
    assert f"您已绑定：{ODD_NAME}" in start

    status = await env.send(SUPERVISOR, "/status", count=2)
    assert ODD_NAME in env.text(status)
    overdue = env.text(await env.send(SUPERVISOR, "/overdue", count=1))
    assert f"{ODD_NAME} —— 有错误" in overdue
    agency = env.text(await env.send(SUPERVISOR, f"/agency {ODD_NAME}"))
    assert f"{ODD_NAME} 的报送记录" in agency and ODD_FILE in agency and "最新一稿的审核意见" in agency
    by_part = env.text(await env.send(SUPERVISOR, "/agency 测试<乡>", count=1))
    assert f"{ODD_NAME} 的报送记录" in by_part
    summary = await env.send(SUPERVISOR, "/summary", count=2)
    assert ODD_NAME in env.text([m for m in summary if not m.is_file])
    [download] = await env.send(SUPERVISOR, f"/draft {ODD_NAME}", count=1)
    assert download.is_file and download.data == draft.encode()
    assert download.plain_text.startswith(f"{ODD_NAME} 最新报送") and f"原文件名「{ODD_FILE}」" in download.plain_text
    invite = env.text(await env.send(SUPERVISOR, f"/invite {ODD_NAME}", count=1))
    assert f"{ODD_NAME} 的邀请码" in invite
    missing = env.text(await env.send(SUPERVISOR, "/agency <不存在>&", count=1))
    assert "没有找到单位「<不存在>&」" in missing


# ---------------------------------------------------------------- a very long paste


async def test_a_very_long_paste_gets_a_reply(env):
    report = sample_text("003")
    text = "\n".join([report] * (60_000 // len(report) + 1))
    assert len(text) >= 60_000
    parts = paste_parts(text, 4000)
    assert len(parts) >= 15 and all(len(p) <= 4096 for p in parts)
    since = env.api.message_count(STAFF_CHAGAN)
    for part in parts:
        await env.api.user_sends_text(STAFF_CHAGAN, part)
    replies = await env.api.collect_replies(STAFF_CHAGAN, timeout=60, quiet=1.5, since=since, settled=env.bot_is_idle)
    chat = env.text(replies)
    assert replies and all(len(m.plain_text) <= 4096 for m in replies)
    assert "审核结果：大安市叉干镇综合服务中心" in chat
    [submission] = env.store.list_submissions(env.store.find_agency("大安市叉干镇综合服务中心").id)
    assert submission.file_name == "粘贴的文本" and submission.size == len("\n".join(parts).encode())
    await assert_still_serving(env)
