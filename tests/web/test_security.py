"""What the desk tells about itself: every answer (a page, a redirect, a 405) carries the security
headers, no log line ever holds a one-time sign-in token, and ids in URLs are ASCII digits only."""

from __future__ import annotations

import logging

import pytest

from nianbao.web.app import SECURITY_HEADERS


def assert_secured(page) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert page.headers.get(name) == value, (name, page.status, page.url)


async def test_a_redirect_carries_the_security_headers(site):
    visitor = await site.visitor()
    page = await visitor.get("/", follow=False)
    assert page.status == 302 and page.url == "/signin"
    assert_secured(page)
    signed_in = await visitor.post("/signin", {"code": site.invite("学张乡人民政府")}, follow=False)
    assert signed_in.status == 302
    assert_secured(signed_in)


@pytest.mark.parametrize("method", ["DELETE", "PUT", "POST"])
async def test_a_method_not_allowed_carries_the_security_headers(site, method):
    supervisor = await site.supervisor()
    page = await supervisor.request(method, "/overview", data={"csrf": supervisor.csrf})
    assert page.status == 405
    assert_secured(page)


async def test_a_one_time_token_is_never_logged_when_its_post_fails(site, caplog):
    caplog.set_level(logging.DEBUG)
    link = site.login_path()
    token = link.rsplit("/", 1)[1]
    visitor = await site.visitor()
    await visitor.get(link)  # the page with the button (and an access log line)
    page = await visitor.request(
        "POST", link, data=b"garbage", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert page.status == 400
    assert caplog.records and token not in caplog.text


async def test_a_crash_while_using_a_link_is_logged_without_its_token(site, caplog, monkeypatch):
    link = site.login_path()
    token = link.rsplit("/", 1)[1]

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(site.store, "use_login_link", broken)
    visitor = await site.visitor()
    caplog.set_level(logging.DEBUG)
    page = await visitor.post(link)
    assert page.status == 500 and "出错了" in page.text and "fire" not in page.text
    crashes = [r for r in caplog.records if r.exc_info]
    assert len(crashes) == 1 and "/login/…" in crashes[0].getMessage()
    assert token not in caplog.text


ODD_DIGITS = {"arabic-indic": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "full-width": "０１２３４５６７８９"}


def odd(number: int, digits: str) -> str:
    return "".join(digits[int(d)] for d in str(number))


@pytest.mark.parametrize("digits", ODD_DIGITS, ids=list(ODD_DIGITS))
@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/agency/{agency}"), ("GET", "/peers/{agency}"), ("GET", "/submission/{submission}"),
        ("GET", "/submission/{submission}/original"), ("POST", "/agency/{agency}/invite"),
        ("POST", "/acceptance/{acceptance}/revoke"), ("POST", "/submission/{submission}/accept"),
    ],
)
async def test_ids_in_urls_are_ascii_digits_only(seeded_site, method, path, digits):
    """'١' and '１' are digits to ``str.isdigit`` and ``int``: they must not name agency 1."""
    site = seeded_site
    supervisor = await site.supervisor()
    ids = {
        "agency": site.ids["策勒乡人民政府"],
        "submission": site.seeded.submissions["策勒乡人民政府"],
        "acceptance": site.seeded.acceptances["策勒乡人民政府"],
    }
    page = await supervisor.request(
        method, path.format(**{k: odd(v, ODD_DIGITS[digits]) for k, v in ids.items()}),
        data={"csrf": supervisor.csrf, "number": "1", "reason": "理由"},
    )
    assert page.status == 404 and "找不到页面" in page.text
    assert "策勒乡" not in page.text


@pytest.mark.parametrize("path", ["/submission/²", "/agency/¹", "/peers/³", "/submission/1²"])
async def test_superscript_digits_are_not_found_not_a_crash(site, path):
    supervisor = await site.supervisor()
    page = await supervisor.get(path)
    assert page.status == 404 and "找不到页面" in page.text
