"""What staff of an agency ask for besides checking a draft: their record and a blank template."""

from __future__ import annotations

import asyncio

from ... import messages as say
from ...names import safe_file_name
from ...reports.blank import blank_report_docx
from .common import Call, command
from .years import year_asked


@command("history")
async def history_command(call: Call) -> None:
    if call.role != "staff":
        await call.reply(say.SUPERVISOR_USE_AGENCY)
        return
    services = call.services
    year = await year_asked(call, "history")
    if year is None:
        return
    agency = await services.staff_agency(call.user_id)
    submissions = await services.db.list_submissions(agency.id, year)
    await call.reply(say.split_message(say.history_message(agency.name, submissions, services.config.tz, year)))


@command("template")
async def template_command(call: Call) -> None:
    """A blank report in the standard format, with the agency and year filled in for staff."""
    services = call.services
    agency = (await services.staff_agency(call.user_id)).name if call.role == "staff" else None
    year = services.year()
    data = await asyncio.to_thread(blank_report_docx, year, agency)
    name = say.TEMPLATE_FILE.format(agency=safe_file_name(agency or ""), year=year)
    await call.reply_file(data, name, say.TEMPLATE_CAPTION)
