"""Counts, shares and means as the reader's locale writes them (`1.234`, `70 %` and `4,5` in
Danish, `1,234`, `70%` and `4.5` in English), through Babel."""

from __future__ import annotations

import math
from functools import lru_cache

from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from api.pages.i18n import current_language

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
def mean_filter(context: Context, mean: float) -> str:
    return mean_label(current_language(context), mean)


def install(environment: Environment) -> None:
    """Give templates the `count`, `share` and `mean` filters."""
    environment.filters.update(count=count_filter, share=share_filter, mean=mean_filter)
