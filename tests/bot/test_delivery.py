"""Retrying sends: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from nianbao.bot.delivery import DeliveryFailed, with_retries
from nianbao.drafts import RateLimiter


class Flaky:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "sent"


async def test_retries_flood_control_server_errors_and_timeouts_then_succeeds():
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    call = Flaky(RetryAfter(3), NetworkError("Bad Gateway"), TimedOut())
    assert await with_retries(call, backoff=0.5, sleep=sleep) == "sent"
    assert call.calls == 4 and waits == [3.0, 0.5, 1.0]


@pytest.mark.parametrize("error", [BadRequest("can't parse entities"), Forbidden("bot was blocked by the user")])
async def test_client_errors_are_not_retried(error):
    call = Flaky(error)
    with pytest.raises(type(error)):
        await with_retries(call)
    assert call.calls == 1


async def test_gives_up_after_the_attempts():
    async def sleep(seconds: float) -> None:
        pass

    call = Flaky(*[NetworkError("502")] * 10)
    with pytest.raises(DeliveryFailed):
        await with_retries(call, attempts=4, sleep=sleep)
    assert call.calls == 4


def test_rate_limiter_counts_per_user_and_forgets_after_the_window():
    now = [100.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0])
    assert limiter.wait_needed(1) == 0 and limiter.wait_needed(1) == 0
    assert limiter.wait_needed(1) == 60
    assert limiter.wait_needed(2) == 0  # another user is not affected
    now[0] += 30
    assert limiter.wait_needed(1) == 30
    now[0] += 30.5
    assert limiter.wait_needed(1) == 0
