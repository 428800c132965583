"""When the bot has nothing left to do: for the console and the tests, which otherwise could only
wait out a quiet moment after each message to be sure the whole answer has arrived."""

from __future__ import annotations

from typing import Any

from .server import LocalBotApi


def bot_is_idle(application: Any, api: LocalBotApi) -> bool:
    """Every update fetched and handled, the draft pipeline idle (no draft received, checked or
    delivered, nothing it spawned still running), no paste waiting to be joined. A held
    fragment's let-go is not counted: to the user that is silence until the wait is over."""
    pipeline = application.bot_data["services"].pipeline
    return not (
        api.pending_update_count
        or application.update_queue.qsize()
        or application.update_processor.current_concurrent_updates
        or not pipeline.idle()
        or any(job.name.startswith("paste:") for job in application.job_queue.jobs())
    )
