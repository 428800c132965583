"""Who is asking, by address, and how many wrong invite codes they may try.

Behind a reverse proxy every request comes from the proxy: the client is then the right-most
address of ``X-Forwarded-For`` that is not one of the trusted proxies (``[web] trusted_proxies``,
addresses or networks). Only the proxies' own entries are believed: a client can write anything
to the left of what the nearest proxy appends, never to its right. A peer that is not a trusted
proxy is the client, whatever it writes in the header."""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable

from aiohttp import web

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    text = text.strip().strip("[]")
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped:
        return found.ipv4_mapped
    return found


class Proxies:
    """The trusted reverse proxies: single addresses or networks (``10.0.0.0/8``)."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip().strip("[]"), strict=False))
            except ValueError:
                continue  # not an address: nothing is trusted for it

    def trusted(self, text: str | None) -> bool:
        found = _address(text or "")
        return found is not None and any(found in network for network in self.networks)

    def client(self, request: web.BaseRequest) -> str:
        """The address a request comes from, seen through the trusted proxies."""
        peer = request.remote or ""
        if not self.trusted(peer):
            return client_key(peer)
        hops = [hop.strip() for value in request.headers.getall("X-Forwarded-For", ()) for hop in value.split(",")]
        for hop in reversed(hops):
            if hop and not self.trusted(hop):
                return client_key(hop)
        return client_key(peer)  # the proxy asked for itself (or named only proxies)


def client_key(text: str) -> str:
    """What a client is counted by: its IPv4 address, or its IPv6 /64 (one host usually holds a
    whole /64, and would otherwise have 2**64 fresh budgets)."""
    found = _address(text)
    if found is None:
        return text.strip()[:64]
    if isinstance(found, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((found, 64), strict=False))
    return str(found)


@dataclass
class Attempt:
    """One invite code let through to be checked (or, with ``wait``, refused unchecked)."""

    address: str
    at: float
    wait: int = 0


class SignInThrottle:
    """Wrong invite codes, counted per client address and over all addresses.

    An attempt is counted *before* its code is checked (so concurrent guesses cannot all slip in
    before the first is counted), and forgiven when the code was right: people who type right
    are never slowed. Each address may have ``per_address`` wrong codes in ``window`` seconds;
    past that, every code from it, right or wrong, is refused unchecked until the oldest wrong
    one is ``window`` old. One address's guesses never touch another's budget.

    Over all addresses, past ``overall`` wrong codes in the window the desk is taken to be under
    a spread-out attack: each address's budget drops to ``under_attack`` and every wrong answer
    waits ``pause`` seconds (a guesser working in turn gets ``pause`` fewer tries); a right code
    from an address within its budget still signs in at once, so nobody is locked out.

    What an attacker can still do: guess from many addresses. Under attack each address (or IPv6
    /64) has 3 tries per 10 minutes, so a thousand of them try 300 codes a minute. Codes are 8
    of 32 characters (40 bits), single use and valid 14 days: with 200 codes outstanding a guess
    hits one with odds of 1 in 5.5 billion, so two weeks of that (~6 million guesses) succeed
    with odds of about 1 in 900. The throttle makes guessing slow and visible (one warning in the
    log per window while the overall budget is passed); the size and life of the codes are what
    make it hopeless. And a client sharing its address with a guesser (one office behind one
    NAT) waits with it: addresses are all the desk can tell clients by before they sign in."""

    def __init__(
        self, per_address: int = 10, overall: int = 200, under_attack: int = 3, window: float = 600.0,
        pause: float = 3.0, clock: Callable[[], float] = time.monotonic, max_addresses: int = 50_000,
    ) -> None:
        self.per_address, self.overall, self.under_attack = per_address, overall, under_attack
        self.window, self.pause, self.clock, self.max_addresses = window, pause, clock, max_addresses
        self.wrong_at: dict[str, deque[float]] = {}
        self.everyone: deque[float] = deque()
        self.warned_at: float | None = None

    def attacked(self) -> bool:
        """More than ``overall`` wrong codes (or codes being checked) in the window."""
        now = self.clock()
        self._forget(self.everyone, now)
        if len(self.everyone) < self.overall:
            return False
        if self.warned_at is None or self.warned_at <= now - self.window:
            self.warned_at = now
            log.warning(
                "web desk: %d wrong invite codes from %d addresses in %g s: every address may now try %d",
                len(self.everyone), len(self.wrong_at), self.window, self.under_attack,
            )
        return True

    def reserve(self, address: str) -> Attempt:
        """Count an attempt before its code is checked; ``wait`` > 0: refused, unchecked."""
        now = self.clock()
        times = self.wrong_at.get(address)
        if times is None:
            if len(self.wrong_at) >= self.max_addresses:
                self._sweep(now)
            times = self.wrong_at[address] = deque()
        self._forget(times, now)
        limit = self.under_attack if self.attacked() else self.per_address
        if len(times) >= limit:
            return Attempt(address, now, wait=max(1, math.ceil(times[-limit] + self.window - now)))
        times.append(now)
        self.everyone.append(now)
        return Attempt(address, now)

    def right(self, attempt: Attempt) -> None:
        """The code was right: the attempt is held against nobody."""
        for times in (self.wrong_at.get(attempt.address), self.everyone):
            if times is not None and attempt.at in times:
                times.remove(attempt.at)

    def wrong(self, attempt: Attempt) -> float:
        """The code was wrong (it stays counted): how long to wait before saying so."""
        return self.pause if self.attacked() else 0.0

    def _forget(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    def _sweep(self, now: float) -> None:
        for address in list(self.wrong_at):
            self._forget(self.wrong_at[address], now)
            if not self.wrong_at[address]:
                del self.wrong_at[address]
