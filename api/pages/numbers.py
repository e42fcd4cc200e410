"""Counts, shares and means as the reader's locale writes them (`1.234`, `70 %` and `4,5` in
Danish, `1,234`, `70%` and `4.5` in English), through Babel; and a share a reader sets as a
percentage (a need's learner share, a round's coverage trade), shown and read back."""

from __future__ import annotations

import math
from functools import lru_cache

from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from api.pages.i18n import current_language
from jobbank.core.errors import InvalidInput

REMEMBERED = 1024


@lru_cache(maxsize=REMEMBERED)
def count_label(language: str, count: int) -> str:
    return format_decimal(count, format="#,##0", locale=language)


@lru_cache(maxsize=REMEMBERED)
def share_label(language: str, share: float) -> str:
    """A share in whole percent, rounded down: 99.6 % of the hours is not "100 %" while an
    hour stays open."""
    whole = math.floor(round(share * 100, 6)) / 100
    return format_percent(whole, locale=language)


@lru_cache(maxsize=REMEMBERED)
def percent_label(language: str, share: float) -> str:
    """A share someone set, as a percentage to a hundredth (`0,5 %`): unlike a share of
    coverage it is not rounded down to whole percent."""
    return format_percent(round(share, 4), locale=language, decimal_quantization=False)


def percent_typed(language: str, share: float) -> str:
    """A share as its percentage is typed in a form field (`0,5` for 0.005)."""
    return format_decimal(round(share * 100, 2), format="0.##", locale=language)


def typed_number(field: str, text: str) -> float:
    """A number typed in a form field, with a decimal comma or point (`7,5`); a text that is
    no number is refused naming `field`. Its bound is the service's to check."""
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a number", code="not_a_number") from None


def share_of_percent(field: str, text: str) -> float:
    """The share a percentage typed in a form field means (`0,5` or `0.5 %`: 0.005)."""
    return round(typed_number(field, text.strip().removesuffix("%")) / 100, 6)


@lru_cache(maxsize=REMEMBERED)
def mean_label(language: str, mean: float) -> str:
    """A mean with one decimal (a score's 4,5 of 5)."""
    return format_decimal(mean, format="#,##0.0", locale=language)


@pass_context
def count_filter(context: Context, count: int) -> str:
    return count_label(current_language(context), count)


@pass_context
def share_filter(context: Context, share: float) -> str:
    return share_label(current_language(context), share)


@pass_context
def percent_filter(context: Context, share: float) -> str:
    return percent_label(current_language(context), share)


@pass_context
def mean_filter(context: Context, mean: float) -> str:
    return mean_label(current_language(context), mean)


def install(environment: Environment) -> None:
    """Give templates the `count`, `share`, `percent` and `mean` filters."""
    environment.filters.update(
        count=count_filter, share=share_filter, percent=percent_filter, mean=mean_filter
    )
