"""The pages' two languages: Danish by default, English by choice, through Babel's gettext.

Templates are written in English and say `_("…")`, or for a count with a noun
`_n("%(num)s message", "%(num)s messages", count)`; `locale/da/LC_MESSAGES/messages.po`
holds the Danish, plural forms included. The catalogue is read and compiled when first
needed, so there is no build step. A logged-in person's chosen language is kept on their
person (it follows them to every browser and into their messages); the `jobbank_lang`
cookie serves anonymous pages.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import post
from litestar.datastructures import Cookie
from litestar.params import URLEncodedBody
from litestar.response import Redirect
from markupsafe import Markup, escape
from pydantic import BaseModel

from api.deps import DB, AnyRequest
from jobbank import people
from jobbank.core.access import Actor

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "jobbank_lang"
LOCALE_DIR = Path(__file__).parent / "locale"
ONE_YEAR = 365 * 24 * 3600


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language`; English is the templates' own words."""
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as source:
        catalogue = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def translate(language: str, message: str) -> str:
    """`message` in `language`; Python code marks its messages by calling this."""
    return translations(language).gettext(message)


def translate_plural(language: str, singular: str, plural: str, n: float) -> str:
    """The form of a counted message that fits `n`, in `language`."""
    return translations(language).ngettext(singular, plural, plural_count(n))


def plural_count(n: float) -> int:
    """`n` as gettext's plural rules count it: a fraction (1.5 hours) reads as plural in both
    our languages, and the rules take whole numbers only."""
    return int(n) if float(n).is_integer() else 2


def language_of(request: AnyRequest) -> str:
    """The language the logged-in person chose, else the browser's, else Danish."""
    actor = request.scope.get("user")
    if isinstance(actor, Actor) and actor.language in LANGUAGES:
        return actor.language
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


PAGE_LANGUAGE = "page_language"
"""The context key of a page's language, when whoever renders it has looked it up once: a big
page asks for it at every message, date and number, and reading the cookie each time was a
fifth of its rendering."""


def _language_in(context: Context) -> str:
    language = context.get(PAGE_LANGUAGE)
    if language is not None:
        return str(language)
    request = context.get("request")
    return language_of(request) if request is not None else DEFAULT_LANGUAGE


@pass_context
def gettext(context: Context, message: str, **variables: Any) -> str:
    """`_("Hello %(name)s", name=…)`: translated, escaped like Jinja's new-style gettext."""
    return _filled(context, translate(_language_in(context), message), variables)


def _filled(context: Context, text: str, variables: dict[str, Any]) -> str:
    if not context.eval_ctx.autoescape:
        return text % variables if variables else text
    if variables:  # escaped one by one: Markup's own `%` costs several times as much
        return Markup(text % {name: escape(value) for name, value in variables.items()})
    return Markup(text)


@pass_context
def ngettext(context: Context, singular: str, plural: str, n: float, **variables: Any) -> str:
    """`_n("%(num)s message", "%(num)s messages", count, …)`: the form that fits `count`,
    translated and escaped like `_()`; `num` is the count unless given."""
    text = translate_plural(_language_in(context), singular, plural, n)
    return _filled(context, text, {"num": n, **variables})


@pass_context
def current_language(context: Context) -> str:
    return _language_in(context)


@pass_context
def week_label(context: Context, monday: dt.date) -> str:
    """`uge 12 (16. mar.)` / `week 12 (16 Mar)`: how people name a week here."""
    return _week_label(_language_in(context), monday)


@pass_context
def date_label(context: Context, day: dt.date) -> str:
    return _date_label(_language_in(context), day)


@pass_context
def hours_label(context: Context, hours: float) -> str:
    """`12,5` in Danish, `12.5` in English; whole hours without decimals."""
    return _hours_label(_language_in(context), hours)


# A page shows the same few weeks, dates and hours many times, and Babel formats each from its
# locale's patterns every time: remembered, they cost a dictionary look-up.
LABELS_REMEMBERED = 4096
UNFORMATTABLE = 1e15


@lru_cache(maxsize=LABELS_REMEMBERED)
def _week_label(language: str, monday: dt.date) -> str:
    day = format_date(monday, format="d MMM", locale=language)
    return translate(language, "week %(number)s (%(day)s)") % {
        "number": monday.isocalendar().week,
        "day": day,
    }


@lru_cache(maxsize=LABELS_REMEMBERED)
def _date_label(language: str, day: dt.date) -> str:
    return format_date(day, format="medium", locale=language)


@lru_cache(maxsize=LABELS_REMEMBERED)
def _hours_label(language: str, hours: float) -> str:
    if not math.isfinite(hours) or abs(hours) >= UNFORMATTABLE:
        return f"{hours:g}"  # stored before hours had a bound; Babel cannot round it
    return format_decimal(hours, format="#,##0.#", locale=language)


def install(environment: Environment) -> None:
    """Give templates `_()`, `_n()`, `language()` and the date and number filters."""
    environment.globals.update(
        _=gettext, gettext=gettext, _n=ngettext, ngettext=ngettext, language=current_language
    )
    environment.filters.update(week=week_label, date=date_label, hours=hours_label)


class LanguageChoice(BaseModel):
    language: str
    next: str = "/"


def _local(path: str) -> str:
    """Only a path on this site, so the form cannot send anyone elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


@post("/language", sync_to_thread=True, status_code=303)
def choose_language(
    db_session: DB, data: URLEncodedBody[LanguageChoice], request: AnyRequest
) -> Redirect:
    """Keep the chosen language on the logged-in person and in the browser (for the pages
    before log-in), and go back to the page it was chosen on, filters and all."""
    language = data.language if data.language in LANGUAGES else DEFAULT_LANGUAGE
    actor = request.scope.get("user")
    if isinstance(actor, Actor):
        people.choose_language(db_session, actor, language)
    cookie = Cookie(
        key=LANGUAGE_COOKIE,
        value=language,
        max_age=ONE_YEAR,
        httponly=True,
        secure=True,
        samesite="lax",
        path="/",
    )
    return Redirect(_local(data.next), cookies=[cookie], status_code=303)
