"""A figure of the tables as the form shows it, in every window (web, chat, CSV, workbook): a count
as a whole number, an amount (收费, 万元) with the decimals entered and at most four, never float
noise (22817.301619 is 22817.3016; 1.50 is 1.5; 3.0 is 3)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["MAX_DECIMALS", "figure_text", "figure_value"]

MAX_DECIMALS = 4  # the form asks for 万元 to two or four decimals


def _decimal(value) -> Decimal | None:
    """A number (int, float, Decimal) as a Decimal; None for anything else, text included: a
    cell's text is shown as it was written."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def figure_value(value):
    """A number as a sheet keeps it: an int when whole, else a float of at most four decimals;
    anything else (text, None) as it is."""
    number = _decimal(value)
    if number is None:
        return value
    rounded = number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def figure_text(value, blank: str = "") -> str:
    """A number as a person reads it: 12, 3.5, 22817.3016 (no exponent, no trailing zeros, no
    "-0"); ``blank`` for None; text that is not a number as it is."""
    if value is None:
        return blank
    number = _decimal(value)
    if number is None:
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP).normalize()
    return "0" if rounded == 0 else format(rounded, "f")
