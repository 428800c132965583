"""What a person does in the real browser (test_browser), in a few words each."""

from __future__ import annotations

from selenium.webdriver.common.by import By


def page_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def settled_get(driver, url: str) -> None:
    """Open a page and wait until it has finished loading (a redirect included)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in_with_code(driver, url: str, code: str, name: str = "张三") -> str | None:
    """Type a code on the sign-in page; the first time (an invite code), give the name and note
    down the personal code shown (returned), then go on."""
    settled_get(driver, url + "/signin")
    type_into(driver, "code", code)
    click_and_wait(driver, driver.find_element(By.ID, "signin"))
    if not driver.current_url.endswith("/welcome"):
        return None
    type_into(driver, "name", name)
    click_and_wait(driver, driver.find_element(By.ID, "save-name"))
    personal = driver.find_element(By.ID, "personal-code").text
    click_and_wait(driver, driver.find_element(By.ID, "continue"))
    return personal


def type_into(driver, element_id: str, text: str, attempts: int = 3) -> None:
    """Type into a field; on a loaded machine Chromium now and then swaps the document under a
    fresh page (a node "does not belong to the document"): wait for the page to settle, find the
    field again and retype."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    for attempt in range(attempts):
        try:
            field = driver.find_element(By.ID, element_id)
            field.clear()
            field.send_keys(text)
            return
        except (StaleElementReferenceException, WebDriverException):
            if attempt == attempts - 1:
                raise
            WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def open_login_link(driver, link: str) -> None:
    driver.get(link)
    buttons = driver.find_elements(By.ID, "login")
    if buttons:
        click_and_wait(driver, buttons[0])


def sign_out(driver) -> None:
    """退出登录, then confirm it on the page that says how to come back."""
    click_and_wait(driver, driver.find_element(By.ID, "signout"))
    click_and_wait(driver, driver.find_element(By.ID, "confirm-signout"))


def click_and_wait(driver, element) -> None:
    """Click something that loads a new page, and wait until it has."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    old_page = driver.find_element(By.TAG_NAME, "html")
    try:
        element.click()
    except WebDriverException as error:
        # chromedriver sometimes reports a click whose form submission already replaced the page
        # as this error; the navigation below tells whether the click happened
        if "does not belong to the document" not in str(error):
            raise
    wait = WebDriverWait(driver, 30)
    wait.until(lambda _: _gone(old_page))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def _gone(element) -> bool:
    """The page this element belonged to has been replaced (chromedriver says so in two ways)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


def upload_file(driver, path) -> None:
    driver.find_element(By.ID, "draft-file").send_keys(str(path))
    click_and_wait(driver, driver.find_element(By.ID, "upload"))


def issue_texts(driver) -> list[str]:
    return [li.find_element(By.CSS_SELECTOR, ".what").text for li in driver.find_elements(By.CSS_SELECTOR, "#issues > li")]


PHONE = 375  # CSS pixels: an iPhone SE / mini's width, the narrowest phone in use


class phone_width:
    """The browser as a phone (Chromium's device metrics: 375 px wide, a mobile viewport) within
    the ``with``; the window it had afterwards."""

    def __init__(self, driver) -> None:
        self.driver = driver

    def __enter__(self):
        metrics = {"width": PHONE, "height": 812, "deviceScaleFactor": 2, "mobile": True}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        return self.driver

    def __exit__(self, *exc) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def wider_than_the_screen(driver, width: int = PHONE) -> list[str]:
    """What of the page sticks out past the screen's right edge: the page itself (a sideways
    scroll, or a phone zooming the page out to fit it), or elements outside a box that scrolls
    on its own (a wide table's .scroll)."""
    return driver.execute_script(
        """
        const width = arguments[0], found = [];
        if (window.innerWidth > width) found.push('zoomed out to ' + window.innerWidth);
        if (document.documentElement.scrollWidth > width + 1) found.push('page ' + document.documentElement.scrollWidth);
        for (const e of document.querySelectorAll('body *')) {
          if (e.closest('.scroll')) continue;
          const box = e.getBoundingClientRect();
          if (box.width && box.right > width + 1) found.push((e.id || e.tagName) + ' ' + Math.round(box.right));
        }
        return found;
        """,
        width,
    )


def lines_of(driver, element) -> int:
    """How many lines an element's text takes (its line boxes)."""
    return driver.execute_script(
        """
        const range = document.createRange(); range.selectNodeContents(arguments[0]);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        return tops.size;
        """,
        element,
    )
