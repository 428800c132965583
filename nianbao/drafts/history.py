"""Last years' published reports into the store, for the year-to-year rules (``nianbao history import``)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import messages as say
from ..names import name_variants
from ..storage import Agency, AmbiguousAgency, Store
from ..validators.engine import check_bytes


@dataclass
class HistoryImport:
    """One file of ``nianbao history import``: where it went, or why it did not."""

    file_name: str
    agency: str | None = None
    problem: str | None = None  # Chinese, for the person importing
    replaced: bool = False
    error_code: str | None = None  # the engine's, when the file could not be read as a report


def import_prior_report(store: Store, data: bytes, file_name: str, year: int) -> HistoryImport:
    """Read an earlier year's published report (any supported format), find its agency in the
    roster by the name in its title (or the file name), and keep its tables for ``year``."""
    result = check_bytes(data, file_name)
    if result.error is not None:
        return HistoryImport(file_name, problem=result.error.message, error_code=result.error.code)
    report = result.report
    if report.year is not None and report.year != year:
        return HistoryImport(file_name, problem=say.import_other_year(report.year, year))
    agency = _roster_agency(store, report.agency, file_name)
    if isinstance(agency, str):
        return HistoryImport(file_name, problem=agency)
    replaced = store.save_prior_report(agency.id, year, report.tables_json(), file_name=file_name, sha256=result.sha256)
    return HistoryImport(file_name, agency=agency.name, replaced=replaced)


def _roster_agency(store: Store, title_agency: str | None, file_name: str) -> Agency | str:
    """The roster's agency for a report: by the name in its title, then by its file name; each
    tried whole, without "人民政府" and without region prefixes, both ways of containment."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    roster = store.list_agencies()
    tried: list[str] = []
    for source in filter(None, (title_agency, stem)):
        for name in name_variants(source):
            tried.append(name)
            try:
                agency = store.find_agency(name)
            except AmbiguousAgency as exc:
                return say.import_ambiguous(name, exc.candidates)
            if agency is not None:
                return agency
            inside = [a for a in roster if len(a.name) >= 2 and a.name in name]
            if len(inside) == 1:
                return inside[0]
    return say.import_not_in_roster(tried)
