"""A direction (origin → destination by city) as the reports group by it, in SQL.

A direction's end is the location's name when the request named a place from the list,
else the text the client typed; letter case aside, and with the location's country (none
for typed text). Grouping hundreds of thousands of rows by that text would work out and
sort a string per row, so the rows are first grouped by the location ids (and the typed
text only where there is no id), a few thousand groups; only those are named and merged
into directions (measured 1.0–1.1 s → 0.5 s per statement on the bench data).

The source must join `quote_request r`.
"""

from __future__ import annotations

# The direction's key columns over the first grouping `g` and its locations lo / ld.
KEYS = (
    "LOWER(COALESCE(lo.name, g.ot))",
    "COALESCE(lo.country, '')",
    "LOWER(COALESCE(ld.name, g.dt))",
    "COALESCE(ld.country, '')",
)


def _typed(side: str, lower: bool) -> str:
    """The typed text of one end where the request named no place from the list."""
    text = f"TRIM(r.{side}_text)"
    return f"CASE WHEN r.{side}_id IS NULL THEN {f'LOWER({text})' if lower else text} END"


def grouped(source: str, where: str, inner: dict[str, str], outer: dict[str, str]) -> str:
    """Figures per direction: `inner` aggregates per (location ids, typed text) group,
    `outer` adds those up per direction (reading `g.<inner name>`).

    Selects ok, oc, dk, dc (the key: lower-case cities and countries), origin and
    destination (a spelling of each city as written), and the `outer` names.
    """
    origin_typed, destination_typed = _typed("origin", True), _typed("destination", True)
    inner_columns = ", ".join(f"{expr} AS {name}" for name, expr in inner.items())
    outer_columns = ", ".join(f"{expr} AS {name}" for name, expr in outer.items())
    return (
        f"SELECT {KEYS[0]} AS ok, {KEYS[1]} AS oc, {KEYS[2]} AS dk, {KEYS[3]} AS dc, "
        "MIN(COALESCE(lo.name, g.os)) AS origin, MIN(COALESCE(ld.name, g.ds)) AS destination, "
        f"{outer_columns} FROM ("
        "SELECT r.origin_id AS oi, r.destination_id AS di, "
        f"{origin_typed} AS ot, {destination_typed} AS dt, "
        f"MIN({_typed('origin', False)}) AS os, MIN({_typed('destination', False)}) AS ds, "
        f"{inner_columns} FROM {source} WHERE {where} "
        f"GROUP BY r.origin_id, r.destination_id, {origin_typed}, {destination_typed}"
        ") AS g LEFT JOIN location lo ON lo.id = g.oi LEFT JOIN location ld ON ld.id = g.di "
        f"GROUP BY {', '.join(KEYS)}"
    )
