"""Money shared by every app: a currency's minor unit."""

from decimal import Decimal

# ISO 4217 minor-unit digits where they are not 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3}


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency` (0.01 for INR, 1 for JPY), as stored amounts are
    never finer than a cent."""
    return Decimal(1).scaleb(-min(MINOR_UNITS.get(currency, 2), 2))
