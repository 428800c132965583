"""The draft pipeline's jobs, on PTB's job queue: recovery every minute, retention daily."""

from __future__ import annotations

from telegram.ext import Application, ContextTypes

from .common import services_of

RECOVERY_INTERVAL_SECONDS = 60  # journalled drafts still unanswered are retried this often
PURGE_INTERVAL_SECONDS = 24 * 3600


async def recover_drafts(context: ContextTypes.DEFAULT_TYPE) -> None:
    await services_of(context).pipeline.recover()


async def purge_files(context: ContextTypes.DEFAULT_TYPE) -> None:
    await services_of(context).pipeline.purge_files()


def schedule_draft_jobs(application: Application) -> None:
    jobs = application.job_queue
    jobs.run_repeating(recover_drafts, interval=RECOVERY_INTERVAL_SECONDS, first=1, name="recover_drafts")
    jobs.run_repeating(purge_files, interval=PURGE_INTERVAL_SECONDS, first=60, name="purge_files")
