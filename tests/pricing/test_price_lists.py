"""Which price list and which tariff price a lane: precedence, specificity, validity."""

from __future__ import annotations

import datetime as dt

from core.services.pricing import (
    CargoType,
    LaneRef,
    LaneScope,
    Mode,
    PriceList,
    ZoneScope,
    applicable_price_list,
    make_cargo,
    quote_lane,
)
from tests.pricing.factories import D, breaks, per_kg

LAGOS, IBADAN, KANO, ABUJA = 1, 2, 3, 4
SOUTH_WEST, NORTH = 10, 20
ZONES = {SOUTH_WEST: frozenset({LAGOS, IBADAN}), NORTH: frozenset({KANO})}
DAY = dt.date(2025, 3, 1)
CARGO = make_cargo(weight_kg=D(100))


def rate(per_kg_rate: str, **kwargs):
    """A one-break tariff, so 100 kg costs 100 × the rate."""
    return per_kg(breaks(("0", per_kg_rate)), **kwargs)


def lane(origin: int, destination: int, mode: Mode = Mode.ROAD) -> LaneRef:
    return LaneRef(origin, destination, mode, ZONES)


def price_list(*tariffs, **kwargs) -> PriceList:
    kwargs.setdefault("name", "list")
    return PriceList(currency="NGN", tariffs=tariffs, **kwargs)


MAIN = price_list(rate("300.00"), name="Main", is_main=True, id=1)
CONTRACT = price_list(
    rate("250.00"),
    name="Contract",
    client_id=7,
    valid_from=dt.date(2025, 1, 1),
    valid_to=dt.date(2025, 6, 30),
    id=2,
)


def total(price_list_, lane_ref=None, cargo=CARGO, on=DAY):
    charge = quote_lane(price_list_, lane_ref or lane(LAGOS, IBADAN), cargo, on)
    return None if charge is None else charge.total


# --- price-list precedence ---


def test_the_clients_own_list_beats_the_main_list():
    chosen = applicable_price_list([CONTRACT], MAIN, DAY)
    assert chosen is CONTRACT
    assert total(chosen) == D("25000.00")  # 100 kg × 250.00, not × 300.00


def test_an_expired_client_list_falls_back_to_the_main_list():
    chosen = applicable_price_list([CONTRACT], MAIN, dt.date(2025, 7, 1))
    assert chosen is MAIN
    assert total(chosen, on=dt.date(2025, 7, 1)) == D("30000.00")  # 100 kg × 300.00


def test_validity_dates_are_inclusive_at_both_ends():
    assert applicable_price_list([CONTRACT], MAIN, dt.date(2025, 1, 1)) is CONTRACT
    assert applicable_price_list([CONTRACT], MAIN, dt.date(2025, 6, 30)) is CONTRACT
    assert applicable_price_list([CONTRACT], MAIN, dt.date(2024, 12, 31)) is MAIN


def test_a_renewed_contract_beats_the_overlapping_old_one():
    renewed = price_list(
        rate("240.00"), name="Renewed", client_id=7, valid_from=dt.date(2025, 2, 1), id=3
    )
    assert applicable_price_list([CONTRACT, renewed], MAIN, DAY) is renewed
    assert applicable_price_list([renewed, CONTRACT], MAIN, DAY) is renewed


def test_without_any_valid_list_there_is_no_price():
    expired_main = price_list(rate("300.00"), is_main=True, valid_to=dt.date(2024, 12, 31))
    assert applicable_price_list([], expired_main, DAY) is None
    assert applicable_price_list([], None, DAY) is None
    assert total(expired_main) is None  # quoting from an expired list gives nothing either


# --- tariff specificity within one list ---

LAYERED = price_list(
    rate("300.00"),  # every road lane
    rate("250.00", scope=ZoneScope(SOUTH_WEST, NORTH)),
    rate("200.00", scope=LaneScope(LAGOS, IBADAN)),
    rate("210.00", scope=ZoneScope(SOUTH_WEST, SOUTH_WEST)),
)


def test_a_lane_tariff_beats_a_zone_tariff_beats_a_mode_wide_one():
    # Lagos → Ibadan: a lane tariff (200.00) and a zone tariff (210.00) both match.
    assert total(LAYERED, lane(LAGOS, IBADAN)) == D("20000.00")
    # Ibadan → Lagos: only the South-West zone tariff and the mode-wide one.
    assert total(LAYERED, lane(IBADAN, LAGOS)) == D("21000.00")
    # Lagos → Kano: the South-West → North zone tariff.
    assert total(LAYERED, lane(LAGOS, KANO)) == D("25000.00")
    # Lagos → Abuja: Abuja is in no zone, so the mode-wide tariff.
    assert total(LAYERED, lane(LAGOS, ABUJA)) == D("30000.00")


def test_no_tariff_for_the_mode_means_no_price():
    assert total(LAYERED, lane(LAGOS, IBADAN, Mode.AIR)) is None


def test_a_tariff_for_the_cargo_type_beats_one_for_all_types_at_the_same_scope():
    listing = price_list(
        rate("200.00", scope=LaneScope(LAGOS, IBADAN)),
        rate(
            "320.00", scope=LaneScope(LAGOS, IBADAN), cargo_types=frozenset({CargoType.DANGEROUS})
        ),
    )
    dangerous = make_cargo(weight_kg=D(100), cargo_type=CargoType.DANGEROUS)
    assert total(listing, cargo=dangerous) == D("32000.00")
    assert total(listing) == D("20000.00")


def test_a_tariff_limited_to_other_cargo_types_does_not_match():
    listing = price_list(rate("320.00", cargo_types=frozenset({CargoType.DANGEROUS})))
    assert total(listing) is None


def test_among_equals_the_latest_started_valid_tariff_wins():
    listing = price_list(
        rate("200.00", valid_from=dt.date(2025, 1, 1)),
        rate("220.00", valid_from=dt.date(2025, 2, 15)),  # the new rate from 15 February
        rate("190.00", valid_from=dt.date(2025, 4, 1)),  # not started yet on 1 March
        rate("150.00", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31)),
    )
    assert total(listing) == D("22000.00")
    assert total(listing, on=dt.date(2025, 2, 14)) == D("20000.00")
    assert total(listing, on=dt.date(2025, 4, 1)) == D("19000.00")
    assert total(listing, on=dt.date(2024, 12, 31)) == D("15000.00")  # last day still valid


def test_a_full_tie_goes_to_the_tariff_listed_first():
    assert total(price_list(rate("200.00"), rate("999.00"))) == D("20000.00")
