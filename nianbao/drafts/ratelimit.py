"""A per-user limit on drafts: a few per minute is plenty for a person fixing a report, and a
script flooding the bot cannot take the workers from everybody else."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from typing import Callable


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._times: dict[int, deque[float]] = defaultdict(deque)

    def wait_needed(self, user_id: int) -> int:
        """0 and count the draft when the user may send one now; otherwise the seconds to wait."""
        if self.limit <= 0:
            return 0
        now = self.clock()
        times = self._times[user_id]
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] + self.window - now))
        times.append(now)
        return 0
