"""When the bot has nothing left to do: for the console and the tests, which otherwise could only
wait out a quiet moment after each message to be sure the whole answer has arrived."""

from __future__ import annotations

from typing import Any

from ..drafts import pipeline
from .server import LocalBotApi


def bot_is_idle(application: Any, api: LocalBotApi) -> bool:
    """Every update fetched and handled, no task the bot started (a review, a delivery) still
    running, no paste waiting to be joined. A held fragment's let-go is not counted: to the user
    that is silence until the wait is over."""
    return not (
        api.pending_update_count
        or application.update_queue.qsize()
        or application.update_processor.current_concurrent_updates
        or application._Application__create_task_tasks  # PTB keeps no public view of these tasks
        or pipeline._tasks
        or any(job.name.startswith("paste:") for job in application.job_queue.jobs())
    )
