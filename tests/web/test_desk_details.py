"""The small things that make the desk look finished: agencies in pinyin order (or the roster's)
and the page saying which, the roster's own word for a level, money as the form has it, the new
issues numbered once."""

from __future__ import annotations

from web.harness import sample_bytes

A = "学张乡人民政府"
PINYIN = ["策勒乡人民政府", "大安市叉干镇综合服务中心", "文水县刘胡兰镇", "学张乡人民政府"]  # ce, da, wen, xue
ROSTER = ["学张乡人民政府", "大安市叉干镇综合服务中心", "策勒乡人民政府", "文水县刘胡兰镇"]  # as seeded


def rows(page) -> list[str]:
    return page.texts("//table[@id='agencies']/tbody/tr/@data-agency")


async def test_agencies_are_listed_in_pinyin_order_or_the_rosters_and_the_page_says_which(site):
    supervisor = await site.supervisor()
    page = await supervisor.get("/overview")
    assert rows(page) == PINYIN  # all 未报送: by name within the state (code points would give 大, 学, 文, 策)
    assert "排列：按状态，同一状态内按单位名称的拼音" in page.text_of("order")
    page = await supervisor.get(page.doc.get_element_by_id("by-roster").get("href"))
    assert rows(page) == ROSTER and "排列：按名单中的顺序" in page.text_of("order")
    page = await supervisor.get("/overview?sort=-name")
    assert rows(page) == PINYIN[::-1] and "按单位名称的拼音（倒序）" in page.text_of("order")


async def test_a_level_is_shown_in_the_rosters_own_word(site):
    agency = site.store.add_agency("芮城县财政局", "县直部门")
    supervisor = await site.supervisor()
    overview = await supervisor.get("/overview")
    assert overview.texts("//tr[@data-agency='芮城县财政局']/td[2]") == ["县直部门"]
    assert "乡镇（街道）" in overview.texts(f"//tr[@data-agency='{A}']/td[2]")  # an English value: the label
    assert (await supervisor.get(f"/agency/{agency}")).text.count("县直部门") >= 1
    assert "县级部门" not in (await supervisor.get(f"/agency/{agency}")).text


async def test_money_is_shown_as_entered_to_at_most_four_decimals(site):
    staff = await site.staff(A)
    text = sample_bytes("002").decode("utf-8").replace("| 行政事业性收费 | 0 |", "| 行政事业性收费 | 22817.301619 |")
    page = await staff.post(f"/agency/{site.ids[A]}/upload", {"text": text})
    fee = page.texts("//table[@data-table='主动公开']//tr[th[starts-with(normalize-space(.), '行政事业性收费')]]/td")
    assert [cell.split()[0] for cell in fee if cell] == ["22817.3016"], fee  # (then the marks of its issues)


async def test_the_new_issues_are_numbered_once(site):
    staff = await site.staff(A)
    original = sample_bytes("000").decode("utf-8")
    fixed = original.replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况")
    await staff.post(f"/agency/{site.ids[A]}/upload", {"text": fixed})
    page = await staff.post(f"/agency/{site.ids[A]}/upload", {"text": original})  # the slip is back: new
    new = page.all("//ol[@id='new-issues']/li")
    assert new and all(li.get("value") and not li.text_content().strip()[:1].isdigit() for li in new)
    numbers = [li.get("value") for li in new]
    assert all(page.has(f"issue-{n}") for n in numbers)  # each links to its issue below

