"""Guessing invite codes: counted per client (seen through the trusted reverse proxies only),
before the code is checked, so concurrent guesses do not slip past the limit; one client's
guesses never lock another out, and a right code from a client within its budget always works."""

from __future__ import annotations

import asyncio

from nianbao.config import WebConfig
from nianbao.web import auth
from nianbao.web.throttle import Proxies, SignInThrottle, client_key

A = "学张乡人民政府"
LIMIT = 10  # wrong codes per client address in ten minutes
BEHIND_NGINX = WebConfig(host="127.0.0.1", port=0, trusted_proxies=frozenset({"127.0.0.1"}))


def wrong(n: int) -> dict:
    return {"code": f"WRONG{n:03d}"}


def verdicts(pages) -> tuple[int, int]:
    """(codes checked and found wrong, attempts refused unchecked)."""
    checked = sum(1 for p in pages if p.status == 400 and "邀请码无效" in p.text)
    refused = sum(1 for p in pages if p.status == 429 and "尝试次数过多" in p.text)
    return checked, refused


async def test_concurrent_guesses_are_counted_before_they_are_checked(site):
    visitor = await site.visitor()
    pages = await asyncio.gather(*(visitor.post("/signin", wrong(n)) for n in range(40)))
    checked, refused = verdicts(pages)
    assert checked <= LIMIT and checked + refused == 40


async def test_behind_a_trusted_proxy_clients_are_counted_apart(make_site):
    site = await make_site(web=BEHIND_NGINX)
    guesser = await site.visitor({"X-Forwarded-For": "203.0.113.7"})
    pages = [await guesser.post("/signin", wrong(n)) for n in range(LIMIT + 1)]
    assert verdicts(pages) == (LIMIT, 1)
    other = await site.visitor({"X-Forwarded-For": "198.51.100.20"})
    assert verdicts([await other.post("/signin", wrong(99))]) == (1, 0)
    page = await other.post("/signin", {"code": site.invite(A)})
    assert page.url == "/welcome"  # a valid code signs in (the newcomer is asked their name) while the guesser waits


async def test_a_client_cannot_escape_its_count_by_writing_the_header_itself(make_site):
    """Only what the proxy appended counts: whatever the client put to its left is ignored."""
    site = await make_site(web=BEHIND_NGINX)
    guesser = await site.visitor()
    pages = [
        await guesser.post("/signin", wrong(n), headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.7"})
        for n in range(LIMIT + 1)
    ]
    assert verdicts(pages) == (LIMIT, 1)


async def test_an_untrusted_peers_forwarded_for_is_ignored(make_site):
    site = await make_site(web=WebConfig(host="127.0.0.1", port=0, trusted_proxies=frozenset({"10.9.9.9"})))
    guesser = await site.visitor()
    pages = [
        await guesser.post("/signin", wrong(n), headers={"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(LIMIT + 1)
    ]
    assert verdicts(pages) == (LIMIT, 1)


async def test_a_right_code_is_not_held_against_its_client(site):
    visitor = await site.visitor()
    for n in range(LIMIT - 1):
        await visitor.post("/signin", wrong(n))
    assert (await visitor.post("/signin", {"code": site.invite(A)})).url == "/welcome"
    assert verdicts([await visitor.post("/signin", wrong(50))]) == (1, 0)  # still the tenth wrong one


async def test_under_a_spread_out_attack_wrong_guesses_slow_down_and_right_codes_still_work(make_site, caplog):
    site = await make_site(web=BEHIND_NGINX)
    throttle = site.app[auth.THROTTLE]
    throttle.overall, throttle.pause = 12, 0.01
    for address in range(4):  # four guessers, three wrong codes each: the overall budget is spent
        guesser = await site.visitor({"X-Forwarded-For": f"203.0.113.{address}"})
        assert verdicts([await guesser.post("/signin", wrong(n)) for n in range(3)]) == (3, 0)
    assert "wrong invite codes from" in caplog.text
    newcomer = await site.visitor({"X-Forwarded-For": "198.51.100.1"})
    pages = [await newcomer.post("/signin", wrong(n)) for n in range(4)]
    assert verdicts(pages) == (throttle.under_attack, 4 - throttle.under_attack)
    someone = await site.visitor({"X-Forwarded-For": "198.51.100.2"})
    assert (await someone.post("/signin", {"code": site.invite(A)})).url == "/welcome"


class Asking:
    def __init__(self, remote: str, *forwarded: str) -> None:
        self.remote = remote
        self.headers = _Headers(forwarded)


class _Headers:
    def __init__(self, values) -> None:
        self.values = list(values)

    def getall(self, name: str, default=()):
        return self.values if name == "X-Forwarded-For" and self.values else default


def test_the_client_is_the_right_most_address_no_trusted_proxy_added():
    proxies = Proxies(["127.0.0.1", "10.0.0.0/8"])
    assert proxies.client(Asking("127.0.0.1", "198.51.100.9, 10.1.2.3")) == "198.51.100.9"
    assert proxies.client(Asking("127.0.0.1", "6.6.6.6", "198.51.100.9")) == "198.51.100.9"  # two headers
    assert proxies.client(Asking("127.0.0.1")) == "127.0.0.1"  # no header: the proxy itself
    assert proxies.client(Asking("10.0.0.1", "10.0.0.2")) == "10.0.0.1"  # only proxies named
    assert proxies.client(Asking("192.0.2.1", "198.51.100.9")) == "192.0.2.1"  # not a trusted peer
    assert Proxies([]).client(Asking("127.0.0.1", "198.51.100.9")) == "127.0.0.1"
    assert Proxies(["::1"]).client(Asking("::1", "2001:db8::1")) == "2001:db8::/64"


def test_one_ipv6_host_is_one_client():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"


def test_budgets_refill_as_the_window_moves_on():
    now = [0.0]
    throttle = SignInThrottle(per_address=2, window=60, clock=lambda: now[0])
    first, second = throttle.reserve("a"), throttle.reserve("a")
    assert not first.wait and not second.wait
    assert throttle.reserve("a").wait == 60 and not throttle.reserve("b").wait
    now[0] = 30.0
    assert throttle.reserve("a").wait == 30
    now[0] = 60.0
    assert not throttle.reserve("a").wait
