"""Peers and outliers, as a reviewer works, the same for the web desk and chat: each agency's key
figures against its same-level peers in the supervisor's scope and against its own last year,
side by side; the agencies most worth a look first (TopN); and a supervisor's word on an
outlier (confirmed or dismissed, with a note), kept and shown, carried over within the year.
Functions take the store first (run them in the store's threads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import messages as say
from ..config import Config
from ..reports.peers import FIGURE_NAMES, Outlier, Spread, key_figures, key_figures_of_cells, outliers_of, peer_spreads
from ..states import State
from ..storage import Agency, OutlierNote, Store
from .campaign import county_rows

MIN_PEERS = 5  # fewer same-level agencies with figures: no quartiles ("同级单位太少，不作比较")
TOP = 10


@dataclass(frozen=True)
class FigureRow:
    """One key figure of an agency, both comparisons side by side."""

    name: str
    value: float | None
    peers: Spread | None  # None: too few peers to compare
    position: str  # 低于四分之一位数 / 居中 / 高于四分之三位数 / 无数据
    last_year: float | None
    change: str  # 较上年增长 12.5% / 持平 / "" (no last year)


@dataclass(frozen=True)
class AgencyPeers:
    agency: Agency
    peers: int  # same-level agencies with figures (the agency included)
    few_peers: bool
    rows: tuple[FigureRow, ...]
    outliers: tuple[Outlier, ...]
    notes: dict[str, OutlierNote] = field(default_factory=dict)  # the word in force, by figure
    years: dict[int, dict] = field(default_factory=dict)  # the agency's figures on file, by year


@dataclass(frozen=True)
class Ranked:
    """An agency worth a look: its open outliers (dismissed ones left out) and their weight."""

    agency: Agency
    score: float
    outliers: tuple[Outlier, ...]


@dataclass(frozen=True)
class CountyPeers:
    reporting: int
    outliers: tuple[Outlier, ...]  # every outlier, with the word on it in ``notes``
    ranking: tuple[Ranked, ...]  # TopN
    notes: dict[int, dict[str, OutlierNote]]


def change_text(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    rate = None if before == 0 or now == before else (now - before) / before * 100
    return say.figure_change(now, before, rate)


def _figures(store: Store, config: Config, year: int, today: dt.date, within) -> dict[int, tuple[Agency, dict | None]]:
    """Each agency's key figures (None: no report with tables), from the figures kept of each
    report (``storage.figures``), not from its JSON: a county of 5,000 is compared in a tenth of the time."""
    states = [s for s in county_rows(store, config, year, today, within) if s.state != State.INACTIVE]
    kept = store.figures_of(states)
    return {s.agency.id: (s.agency, key_figures_of_cells(kept[s.agency.id].cells) if s.agency.id in kept else None) for s in states}


def _last_year(store: Store, config: Config, year: int, today: dt.date, within) -> dict[int, dict]:
    last = {agency_id: figures for agency_id, (_, figures) in _figures(store, config, year - 1, today, within).items() if figures}
    last.update({agency_id: key_figures(tables) for agency_id, tables in store.imported_reports(year - 1).items()})
    return last


def _spreads(current: dict[int, tuple]) -> tuple[dict[str, dict], dict[str, int]]:
    levels: dict[str, list] = {}
    for agency, figures in current.values():
        if figures is not None:
            levels.setdefault(agency.level, []).append(figures)
    spreads = {level: (peer_spreads(peers) if len(peers) >= MIN_PEERS else {}) for level, peers in levels.items()}
    return spreads, {level: len(peers) for level, peers in levels.items()}


def _weight(outlier: Outlier, spreads: dict, last: dict | None) -> float:
    """How far a figure is from its peers (in interquartile ranges) and from last year."""
    weight = 1.0
    peers = spreads.get(outlier.figure)
    if peers is not None:
        width = max(peers.q3 - peers.q1, 1.0)
        weight += abs(outlier.value - peers.median) / width
    before = (last or {}).get(outlier.figure)
    if before is not None:
        weight += abs(outlier.value - before) / max(before, 1.0)
    return weight


def county_peers(store: Store, config: Config, year: int, today: dt.date, within=None, top: int = TOP) -> CountyPeers:
    current = _figures(store, config, year, today, within)
    spreads, _ = _spreads(current)
    last = _last_year(store, config, year, today, within)
    notes = store.outlier_notes(year, set(current))
    found, ranking = [], []
    for agency_id, (agency, figures) in current.items():
        if figures is None:
            continue
        mine = outliers_of(agency_id, agency.name, figures, spreads.get(agency.level, {}), last.get(agency_id))
        found += mine
        open_ = [o for o in mine if notes.get(agency_id, {}).get(o.figure) is None or notes[agency_id][o.figure].verdict != "dismissed"]
        if open_:
            score = sum(_weight(o, spreads.get(agency.level, {}), last.get(agency_id)) for o in open_)
            ranking.append(Ranked(agency, round(score, 2), tuple(open_)))
    ranking.sort(key=lambda r: (-r.score, r.agency.name))
    reporting = sum(1 for _, figures in current.values() if figures is not None)
    return CountyPeers(reporting, tuple(found), tuple(ranking[:top]), notes)


def agency_peers(store: Store, config: Config, agency_id: int, year: int, today: dt.date, within=None) -> AgencyPeers | None:
    current = _figures(store, config, year, today, within)
    if agency_id not in current:
        return None
    agency, figures = current[agency_id]
    spreads, counts = _spreads(current)
    mine = spreads.get(agency.level, {})
    last = _last_year(store, config, year, today, within).get(agency_id)
    rows = []
    for name in FIGURE_NAMES:
        value = (figures or {}).get(name)
        peers = mine.get(name)
        before = (last or {}).get(name)
        rows.append(FigureRow(name, value, peers, peers.position(value) if peers else "", before, change_text(value, before)))
    outliers = outliers_of(agency_id, agency.name, figures, mine, last) if figures else []
    years = {y: key_figures(tables) for y, tables in store.years_on_file(agency_id).items()}
    peers_count = counts.get(agency.level, 0)
    notes = store.outlier_notes(year, {agency_id}).get(agency_id, {})
    return AgencyPeers(agency, peers_count, peers_count < MIN_PEERS, tuple(rows), tuple(outliers), notes, years)


async def note_outlier(office, person, agency: Agency, figure: str, verdict: str, note: str) -> OutlierNote:
    """A supervisor's word on one of the agency's figures (confirmed / dismissed, with a note)."""
    from .people import Action, allowed
    from .words import NotAllowed

    if not allowed(person, Action.ACCEPT, agency.id) or figure not in FIGURE_NAMES:
        raise NotAllowed(person.user_id)
    return await office.db.note_outlier(agency.id, office.year(), figure, verdict, note, by=person.user_id, now=office.clock())
