"""Exact arithmetic and rounding for scores.

Scores must be reproducible to the digit, so anything that divides or involves non-integer option
values goes through Decimal with an explicit half-up rounding (Python's round() is half-even and
binary floats would make 2.675 round down).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

Number = int | float

# Enough digits that dividing a sum of option values by an item count never loses the digit that
# decides a half-up rounding.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)
_CENT = Decimal("0.01")


def to_decimal(value: Number | Decimal) -> Decimal:
    """Convert exactly as written: a float from JSON becomes the decimal of its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(int(value))


def divide(numerator: Number | Decimal, denominator: Number | Decimal) -> Decimal:
    return _CONTEXT.divide(to_decimal(numerator), to_decimal(denominator))


def multiply(a: Number | Decimal, b: Number | Decimal) -> Decimal:
    return _CONTEXT.multiply(to_decimal(a), to_decimal(b))


def square_root(value: Number | Decimal) -> Decimal:
    return _CONTEXT.sqrt(to_decimal(value))


def round_integer(value: Number | Decimal) -> int:
    """Round half-up (away from zero at .5) to an integer."""
    if isinstance(value, int):
        return value
    return int(to_decimal(value).quantize(_ONE, rounding=ROUND_HALF_UP, context=_CONTEXT))


def round_cents(value: Number | Decimal) -> float:
    """Round half-up to 2 decimals; the float returned prints as that decimal."""
    return float(to_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT))


def plain(value: Number | Decimal) -> Number:
    """A number for JSON output: integral values as int, others as float."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    dec = to_decimal(value)
    if dec == dec.to_integral_value():
        return int(dec)
    return float(dec)
