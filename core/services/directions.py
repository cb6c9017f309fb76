"""A direction (origin → destination by city) as the routes report names it, so that the lists a
report figure opens (shipments, the pipeline board) find exactly the records behind it.

The report (core/services/reports/routes.py, its key in reports/directions.py) names an end
by the location's name when the request named a place from the list, else by the text the
client typed, trimmed; letter case aside; with the location's country beside it (none for
typed text). The condition here is the same SQL: LOWER(COALESCE(location.name, TRIM(typed
text))) against LOWER of the wanted text, folded by the database and not by Python (SQLite's
LOWER folds only ASCII letters, so a text folded in Python would miss a group the report
made), and COALESCE(location.country, '') against the code in capitals.

The report's SQL groups rows per direction to count them; a list needs a condition on one
request instead, so it is written here with the ORM, to the same definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from babel.core import Locale
from tortoise.expressions import Value
from tortoise.functions import Coalesce, Lower, Trim, Upper
from tortoise.queryset import QuerySet

from core.i18n import current_locale
from core.models import Location, QuoteRequest

# As long as a location's name or a typed place may be.
PLACE_MAX = 200


@dataclass(frozen=True, slots=True)
class Direction:
    """What a list is narrowed to; None matches anything. A country is an ISO code in capitals,
    or "" for no country: the place the client typed (or a listed place without a country)."""

    origin: str | None = None
    origin_country: str | None = None
    destination: str | None = None
    destination_country: str | None = None

    def __bool__(self) -> bool:
        return any(
            value is not None
            for value in (
                self.origin,
                self.origin_country,
                self.destination,
                self.destination_country,
            )
        )


def requests_on(direction: Direction) -> QuerySet[QuoteRequest]:
    """The quote requests in the direction; lists take their ids as a subquery, so the one
    definition serves the board (requests) and the shipments (request → order → shipment)."""
    query = QuoteRequest.all()
    ends = (
        ("origin", direction.origin, direction.origin_country),
        ("destination", direction.destination, direction.destination_country),
    )
    for end, city, country in ends:
        if city is not None:
            query = query.annotate(
                **{f"{end}_city": Lower(Coalesce(f"{end}__name", Trim(f"{end}_text")))}
            ).filter(**{f"{end}_city": Lower(Value(city))})
        if country is not None:
            query = query.annotate(
                **{f"{end}_land": Upper(Coalesce(f"{end}__country", Value("")))}
            ).filter(**{f"{end}_land": country})
    return query


def place_text(raw: object) -> str | None:
    """A typed city to match, or None (no filter) when blank or unfit for the database.
    Only spaces are cut, as SQL's TRIM cuts them where the reports group typed cities."""
    text = str(raw or "").strip(" ")
    if not text or len(text) > PLACE_MAX or "\x00" in text:
        return None
    return text


def country_code(raw: str | None) -> str | None:
    """None when absent or not a code (no filter), "" for "no country", else the code."""
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return ""
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    return None


def direction_from(params: Mapping[str, str]) -> Direction:
    """The direction a link or a filter form asks for by the parameters `origin`,
    `destination`, `origin_country` and `destination_country`; what is unfit is ignored."""
    return Direction(
        origin=place_text(params.get("origin")),
        origin_country=country_code(params.get("origin_country")),
        destination=place_text(params.get("destination")),
        destination_country=country_code(params.get("destination_country")),
    )


def direction_params(direction: Direction) -> list[tuple[str, str]]:
    """The parameters that ask for `direction` again (a pager's links): an empty country
    is kept, since it means "no country" and not "any"."""
    return [
        (field.name, value)
        for field in fields(direction)
        if (value := getattr(direction, field.name)) is not None
    ]


async def country_choices(direction: Direction) -> list[tuple[str, str]]:
    """The countries of the listed places, named in the reader's language, for the filter's
    two selects; a chosen code no place has (from a link) is kept so the form still shows it."""
    names = Locale.parse(current_locale()).territories
    # Explicit order: a model's default ordering would break SELECT DISTINCT on PostgreSQL.
    query = Location.filter(country__not_isnull=True).order_by("country").distinct()
    codes = {str(code).upper() for code in await query.values_list("country", flat=True)}
    codes |= {direction.origin_country or "", direction.destination_country or ""}
    codes.discard("")
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda pair: pair[1])
