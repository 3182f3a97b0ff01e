"""One money format everywhere a person reads it: the admin's pages, the optimiser's
reasons and its anomaly alerts write rupees the Indian way (lakh, crore)."""

from decimal import Decimal

from campaigns.admin.display import money as page_money
from campaigns.money import money, write_amount
from optimizer.money import currency_symbol, format_minor


def test_rupees_are_grouped_in_lakh_and_crore_on_pages_and_in_reasons():
    assert page_money(Decimal("12345678.50"), "INR") == "₹1,23,45,678.50"
    assert format_minor(1234567850, 2, currency_symbol("INR")) == "₹1,23,45,678.50"
    assert write_amount(60149.98, unit="₹") == "₹60,149.98"  # never a raw "60149.98"


def test_other_currencies_are_grouped_in_threes():
    assert money(Decimal("12345678.50"), "USD") == "USD 12,345,678.50"
    assert format_minor(1234567850, 2, "$") == "$12,345,678.50"
    assert format_minor(-5000, 0, "¥") == "-¥5,000"


def test_whole_amounts_drop_zero_paise_only_when_asked():
    assert money(Decimal("500000.00"), "INR", whole=True) == "₹5,00,000"
    assert money(Decimal("500000.40"), "INR", whole=True) == "₹5,00,000.40"
    assert money(None, "INR") == "—"
