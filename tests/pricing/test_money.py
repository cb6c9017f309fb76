"""Rounding per currency, VAT both ways, and margins: hand-computed, half-up."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.services.pricing import (
    CurrencyMismatch,
    Mode,
    SurchargeCode,
    apply_vat,
    currency_digits,
    make_cargo,
    margin,
    price_with_tariff,
    round_money,
)
from tests.pricing.factories import D, breaks, per_kg, percent


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "NGN", "0.13"),  # 2 digits; half-up (half-even would give 0.12)
        ("0.124", "NGN", "0.12"),
        ("7", "NGN", "7.00"),  # always the currency's number of digits
        ("2.5", "JPY", "3"),  # 0 digits; half-up (half-even would give 2)
        ("1234.49", "JPY", "1234"),
        ("1.0005", "KWD", "1.001"),  # 3 digits; half-up (half-even would give 1.000)
        ("1.0004", "KWD", "1.000"),
    ],
)
def test_round_money_uses_the_currencys_digits_and_rounds_half_up(amount, currency, expected):
    rounded = round_money(D(amount), currency)
    assert rounded == D(expected)
    assert str(rounded) == expected


def test_unknown_currency_is_refused_rather_than_guessed():
    with pytest.raises(InvalidInput) as caught:
        currency_digits("XYZ")
    assert caught.value.field == "currency"
    assert currency_digits("NGN") == 2


def test_ngn_charge_rounds_each_line_to_kobo():
    # 10.05 kg × 2.50 = 25.125 → 25.13 (half-up); fuel 10% × 25.13 = 2.513 → 2.51;
    # total 25.13 + 2.51 = 27.64.
    tariff = per_kg(breaks(("0", "2.50")), surcharges=(percent(SurchargeCode.FUEL, "0.10"),))
    charge = price_with_tariff(tariff, make_cargo(weight_kg=D("10.05")))
    assert (charge.base_freight, charge.surcharges[0].amount) == (D("25.13"), D("2.51"))
    assert str(charge.total) == "27.64"


def test_jpy_charge_has_no_minor_unit():
    # 10.5 kg × 25 = 262.5 → 263 (half-up); fuel 17.5% × 263 = 46.025 → 46; total 309.
    tariff = per_kg(
        breaks(("0", "25")),
        currency="JPY",
        mode=Mode.AIR,
        surcharges=(percent(SurchargeCode.FUEL, "0.175"),),
    )
    charge = price_with_tariff(tariff, make_cargo(weight_kg=D("10.5")))
    assert (charge.base_freight, charge.surcharges[0].amount) == (D(263), D(46))
    assert str(charge.total) == "309"


def test_kwd_charge_keeps_three_digits():
    # 100.04 kg × 0.0125 = 1.2505 → 1.251 (half-up); fuel 7.5% × 1.251 = 0.093825 → 0.094;
    # total 1.251 + 0.094 = 1.345.
    tariff = per_kg(
        breaks(("0", "0.0125")),
        currency="KWD",
        surcharges=(percent(SurchargeCode.FUEL, "0.075"),),
    )
    charge = price_with_tariff(tariff, make_cargo(weight_kg=D("100.04")))
    assert (charge.base_freight, charge.surcharges[0].amount) == (D("1.251"), D("0.094"))
    assert str(charge.total) == "1.345"


def test_vat_added_on_top_of_a_net_price():
    # Nigeria 7.5%: 107 152.00 × 0.075 = 8 036.40; gross 115 188.40.
    vat = apply_vat(D("107152.00"), "NGN", D("0.075"), prices_include_vat=False)
    assert (vat.net, vat.vat, vat.gross) == (D("107152.00"), D("8036.40"), D("115188.40"))
    # 930.23 × 0.075 = 69.76725 → 69.77; gross 1 000.00.
    vat = apply_vat(D("930.23"), "NGN", D("0.075"), prices_include_vat=False)
    assert (vat.net, vat.vat, vat.gross) == (D("930.23"), D("69.77"), D("1000.00"))


def test_vat_included_is_split_out_of_the_gross_price():
    # 1 000.00 ÷ 1.075 = 930.2325… → net 930.23; vat = 1 000.00 − 930.23 = 69.77.
    vat = apply_vat(D("1000.00"), "NGN", D("0.075"), prices_include_vat=True)
    assert (vat.net, vat.vat, vat.gross) == (D("930.23"), D("69.77"), D("1000.00"))
    # JPY 10%: 1 234 ÷ 1.1 = 1 121.81… → 1 122; vat 112.
    vat = apply_vat(D(1234), "JPY", D("0.10"), prices_include_vat=True)
    assert (vat.net, vat.vat, vat.gross) == (D(1122), D(112), D(1234))
    # KWD 5% added: 27.896 × 0.05 = 1.3948 → 1.395; gross 29.291.
    vat = apply_vat(D("27.896"), "KWD", D("0.05"), prices_include_vat=False)
    assert (vat.net, vat.vat, vat.gross) == (D("27.896"), D("1.395"), D("29.291"))


def test_zero_vat_leaves_the_price_alone_and_a_negative_rate_is_refused():
    vat = apply_vat(D("500.00"), "NGN", D(0), prices_include_vat=True)
    assert (vat.net, vat.vat, vat.gross) == (D("500.00"), D("0.00"), D("500.00"))
    with pytest.raises(InvalidInput) as caught:
        apply_vat(D("500.00"), "NGN", D("-0.1"), prices_include_vat=False)
    assert caught.value.field == "vat_rate"


def _flat_charge(amount: str, currency: str = "NGN"):
    tariff = per_kg(breaks(("0", amount)), currency=currency)
    return price_with_tariff(tariff, make_cargo(weight_kg=D(1)))


def test_margin_is_price_minus_the_cost_of_every_leg():
    # 107 152.00 − (60 000.00 + 25 000.00) = 22 152.00; 22 152 ÷ 107 152 = 0.20673… → 0.2067.
    result = margin(_flat_charge("107152.00"), _flat_charge("60000.00"), _flat_charge("25000.00"))
    assert (result.amount, result.currency, result.rate) == (D("22152.00"), "NGN", D("0.2067"))
    # Selling below cost shows as a negative margin, not an error.
    loss = margin(_flat_charge("900.00"), _flat_charge("1000.00"))
    assert (loss.amount, loss.rate) == (D("-100.00"), D("-0.1111"))


def test_margin_across_currencies_is_refused_until_there_is_fx():
    with pytest.raises(CurrencyMismatch) as caught:
        margin(_flat_charge("1000.00", "NGN"), _flat_charge("1.00", "USD"))
    error = caught.value
    assert error.msgid.format(**error.params) == (
        "The price is in NGN but the cost is in USD; they cannot be compared yet."
    )
