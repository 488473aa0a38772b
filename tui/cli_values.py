"""Checks for the command line's numbers: a value out of range is a usage error (exit 2, with the flag
named), never an error from deep inside once something has started."""

from __future__ import annotations

import argparse
import math


def _number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number")
    return number


def chance(value: str) -> float:
    """A probability: a number from 0 to 1."""
    try:
        number = _number(value)
    except argparse.ArgumentTypeError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a chance: give a number from 0 to 1, like 0.5")
    return number


def positive(value: str) -> float:
    """A number above 0 (a pace, minutes)."""
    number = _number(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be above 0")
    return number


def count(value: str) -> int:
    """A whole number of at least 1 (a limit)."""
    number = _number(value)
    if number != int(number) or number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be a whole number of at least 1")
    return int(number)


def port(value: str) -> int:
    """A TCP port, 1 to 65535."""
    number = _number(value)
    if number != int(number) or not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: give a number from 1 to 65535")
    return int(number)
