"""The draft pipeline's jobs, run by each face at start-up and then now and then: finish the
drafts the journal still holds (after a crash, a restart, or a delivery that kept failing), and
forget stored drafts and replies past the retention period. A part of ``DraftPipeline``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from .. import messages as say
from ..storage import InboxEntry

log = logging.getLogger("nianbao.drafts.pipeline")

MAX_ATTEMPTS = 5  # checks of one draft (a crash or a timeout each); delivery retries do not count
DELIVERY_GIVE_UP = dt.timedelta(days=1)


class Jobs:
    async def recover(self) -> None:
        """Answer the drafts of the journal still pending: after a crash or restart, or after every
        attempt to deliver a review failed. A face runs it at start-up and then every minute."""
        for entry in await self.db.pending_drafts():
            if entry.kind not in self.kinds or not self.claim(entry.update_id):
                continue  # another face's, or being handled here right now
            if self._hopeless(entry):
                self.spawn(self._give_up(entry))
                continue
            log.info("finishing journalled draft %s (attempt %d)", entry.update_id, entry.attempts + 1)
            self.spawn(self.process(entry))

    def _hopeless(self, entry: InboxEntry) -> bool:
        """Checking it keeps failing, or its reply could not be delivered for a day."""
        if entry.reply is None:
            return entry.attempts >= MAX_ATTEMPTS
        return self.clock() - entry.received_at > DELIVERY_GIVE_UP

    async def _give_up(self, entry: InboxEntry) -> None:
        try:
            log.error("giving up on draft %s after %d attempts", entry.update_id, entry.attempts)
            await self._mark_failed(entry, "too many attempts")
            await self.deliver.notify_plainly(entry.chat_id, say.GAVE_UP.format(name=entry.file_name or say.UNNAMED_FILE))
        finally:
            self.in_progress.discard(entry.update_id)

    async def purge_files(self) -> int:
        """Delete stored drafts past the retention period (each agency's latest one stays), and
        what the database keeps of them: replies and reports (each agency's history of states stays)."""
        retention = dt.timedelta(days=self.config.retention_days)
        keep = await self.db.files_to_keep(self.clock() - retention)
        removed = await asyncio.to_thread(self.files.purge, keep, retention.total_seconds())
        if removed:
            log.info("retention: %d stored drafts deleted", removed)
        purged = await self.db.purge_rows(self.clock() - retention)
        if any(purged.values()):
            log.info("retention: %(replies)d replies and %(reports)d reports forgotten", purged)
        return removed
