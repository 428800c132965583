"""Regions nest — a city above its counties, a county above its townships and departments — and
a supervisor sees a region and everything under it. The roster says where each agency is (its
``region``); a region's own place comes from the roster too: written as a path (「宿迁市/沭阳县」),
or from the region's government (沭阳县人民政府, itself in region 宿迁市)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..storage import Agency

SEPARATOR = re.compile(r"\s*[/／>＞]\s*")
GOVERNMENT = re.compile(r"^(.+?[省市州盟县区旗])人民政府$")


def region_path(text: str | None) -> tuple[str, ...]:
    """「宿迁市/沭阳县」 -> ("宿迁市", "沭阳县"); blank -> ()."""
    return tuple(part for part in SEPARATOR.split((text or "").strip()) if part)


@dataclass(frozen=True)
class Regions:
    """Each region's parent, learnt from the roster."""

    parents: dict[str, str]

    @classmethod
    def of(cls, agencies: list[Agency]) -> "Regions":
        return cls.of_places((agency.name, agency.region) for agency in agencies)

    @classmethod
    def of_places(cls, places) -> "Regions":
        """From each agency's (name, region) alone (``Store.agency_places``)."""
        parents: dict[str, str] = {}
        paths: dict[str | None, tuple[str, ...]] = {}  # a roster has thousands of agencies in a handful of regions
        for name, region in places:
            path = paths.get(region)
            if path is None:
                path = paths[region] = region_path(region)
            for above, below in zip(path, path[1:]):
                parents.setdefault(below, above)
            governed = GOVERNMENT.match(name)
            if governed and path and path[-1] != governed.group(1):
                parents.setdefault(governed.group(1), path[-1])
        return cls(parents)

    def chain(self, region: str | None) -> tuple[str, ...]:
        """The region and every region above it, outermost first."""
        path = list(region_path(region))
        seen = set(path)
        while path and path[0] in self.parents and self.parents[path[0]] not in seen:
            path.insert(0, self.parents[path[0]])
            seen.add(path[0])
        return tuple(path)


@dataclass(frozen=True)
class Scope:
    """What a supervisor sees: ``region`` and everything under it (None: everything)."""

    region: str | None = None

    @property
    def everything(self) -> bool:
        return not region_path(self.region)

    def covers(self, agency: Agency, regions: Regions) -> bool:
        wanted = region_path(self.region)
        if not wanted:
            return True
        chain = regions.chain(agency.region)
        governed = GOVERNMENT.match(agency.name)  # a region's own government belongs to the region
        if governed:
            chain = chain + (governed.group(1),)
        return any(chain[i : i + len(wanted)] == wanted for i in range(len(chain) - len(wanted) + 1))

    def part_of(self, agency: Agency, regions: Regions) -> str | None:
        """The region directly under the scope that the agency is in (a city supervisor's county),
        None when the agency sits at the scope's own level."""
        wanted = region_path(self.region)
        chain = regions.chain(agency.region)
        governed = GOVERNMENT.match(agency.name)
        if governed:
            chain = chain + (governed.group(1),)
        for i in range(len(chain) - len(wanted) + 1):
            if chain[i : i + len(wanted)] == wanted:
                below = chain[i + len(wanted) :]
                return below[0] if below else None
        return None


def region_within(regions: Regions, asked: str, scope: str | None) -> bool:
    """Whether region ``asked`` is ``scope`` or below it (everything is within no scope)."""
    mine, chain = region_path(scope), regions.chain(asked)
    return not mine or any(chain[i : i + len(mine)] == mine for i in range(len(chain) - len(mine) + 1))


def region_in_scope(store, region: str, scope: str | None) -> bool:
    """``region_within`` over the roster in ``store`` (run it in the store's threads)."""
    return region_within(Regions.of(store.list_agencies(active_only=False)), region, scope)
