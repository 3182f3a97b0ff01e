"""Money shared by every app: a currency's minor unit, and one way to write an amount
everywhere a person reads it (admin pages, reasons, alerts).

Rupees are grouped the Indian way (lakh, crore: ₹12,34,567.00); other currencies in
threes. Pure functions, used by the admin (campaigns.admin.display), the optimiser's
reasons (optimizer.money) and its anomaly alerts.
"""

from decimal import Decimal

# ISO 4217 minor-unit digits where they are not 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3}


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency` (0.01 for INR, 1 for JPY), as stored amounts are
    never finer than a cent."""
    return Decimal(1).scaleb(-min(MINOR_UNITS.get(currency, 2), 2))


# The symbols reasons and pages are written with; a currency without one is written
# with its code ("CHF 1,250.00").
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# Currencies (and their symbols) written with Indian digit grouping.
INDIAN_GROUPING = {"INR", "₹"}


def currency_symbol(code: str) -> str:
    """The symbol for `code`; empty for currencies without a common one."""
    return CURRENCY_SYMBOLS.get(code, "")


def group_digits(digits: str, indian: bool) -> str:
    """'1234567' → '1,234,567', or '12,34,567' in Indian grouping (threes, then twos)."""
    if not indian or len(digits) <= 3:
        return f"{int(digits):,}"
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        head, pairs = head[:-2], [head[-2:], *pairs]
    return ",".join([head, *pairs, tail])


def write_amount(amount, *, places: int = 2, unit: str = "", whole: bool = False) -> str:
    """`amount` with `places` decimals, grouped as `unit` (a code or a symbol) is, and
    `unit` in front: a symbol directly ("₹12,34,567.00"), a code with a space."""
    value = Decimal(str(amount))
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{places}f}"
    units, _, minor = text.partition(".")
    written = group_digits(units, unit in INDIAN_GROUPING)
    if minor and not (whole and set(minor) == {"0"}):
        written += f".{minor}"
    if not unit:
        return f"{sign}{written}"
    if unit.isalpha() and unit.isascii():  # a code
        return f"{unit} {sign}{written}"
    return f"{sign}{unit}{written}"


def money(value: Decimal | None, currency: str, *, whole: bool = False) -> str:
    """₹5,00,000.00 for rupees, 'USD 500,000.00' otherwise; '—' for none.

    `whole` drops the minor unit when it is zero (₹5,00,000), for amounts read at a
    glance, such as a change in a list.
    """
    if value is None:
        return "—"
    unit = "₹" if currency == "INR" else currency
    return write_amount(value, unit=unit, whole=whole)
