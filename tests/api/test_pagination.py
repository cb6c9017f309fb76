"""Cursors are opaque and tamper-evident enough; filters for the panel forgive typos."""

from __future__ import annotations

import pytest

from core.services.carriers import CarrierFilters
from core.services.pagination import BadCursor, decode_cursor, encode_cursor


def test_a_cursor_round_trips_and_anything_else_is_refused():
    for last_id in (1, 42, 2**31 - 1):
        cursor = encode_cursor(last_id)
        assert "=" not in cursor
        assert decode_cursor(cursor) == last_id
    for bad in ("", "a", "aWQ6MA", encode_cursor(2**31), "aWQ6LTE", "!!!!", "x" * 100):
        with pytest.raises(BadCursor):
            decode_cursor(bad)


def test_carrier_filters_from_a_query_string_ignore_bad_values():
    filters = CarrierFilters.from_query({"q": "sahel", "country": "Narnia", "city": ""})
    assert (filters.q, filters.country, filters.city) == ("sahel", None, None)
    assert CarrierFilters.from_query({"country": "ng"}).country == "NG"
