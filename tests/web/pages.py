"""What a person does in the browser, in a few words each."""

from __future__ import annotations

from selenium.webdriver.common.by import By


def text_of(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def page_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def sign_in_with_code(driver, url: str, code: str) -> None:
    driver.get(url + "/signin")
    driver.find_element(By.ID, "code").send_keys(code)
    click_and_wait(driver, driver.find_element(By.ID, "signin"))


def open_login_link(driver, link: str) -> None:
    driver.get(link)
    buttons = driver.find_elements(By.ID, "login")
    if buttons:
        click_and_wait(driver, buttons[0])


def sign_out(driver) -> None:
    click_and_wait(driver, driver.find_element(By.ID, "signout"))


def click_and_wait(driver, element) -> None:
    """Click something that loads a new page, and wait until it has."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(old_page))


def upload_file(driver, path) -> None:
    driver.find_element(By.ID, "draft-file").send_keys(str(path))
    click_and_wait(driver, driver.find_element(By.ID, "upload"))


def issue_texts(driver) -> list[str]:
    return [li.find_element(By.CSS_SELECTOR, ".what").text for li in driver.find_elements(By.CSS_SELECTOR, "#issues > li")]
