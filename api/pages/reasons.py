"""Why a need-week stays unfilled, worded in the reader's language from the reason's code and
values: skill names rather than codes, weeks and numbers as the reader's locale writes them.
The solver's English `message` is for programs and logs and never reaches a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from babel.lists import format_list

from api.pages.i18n import _hours_label, _week_label, translate, translate_plural
from solver.contract import Reason, ReasonCode, ReasonDetail, ReasonValues, Shift


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the reader's words."""
    return message


class WordedReason(NamedTuple):
    """A reason as a page shows it: a short label and, where the result has them, a sentence."""

    code: str
    label: str
    sentence: str


LABELS = {
    ReasonCode.NO_SKILL: _("Nobody has the skill"),
    ReasonCode.SHIFT: _("Nobody works that shift"),
    ReasonCode.RISK_PROTECTION: _("Risk group protection"),
    ReasonCode.SAME_UNIT: _("Only staff of the unit itself"),
    ReasonCode.AVOIDED: _("Volunteers avoid the unit"),
    ReasonCode.UNAVAILABLE: _("Nobody is available"),
    ReasonCode.NO_CAPACITY: _("No hours left"),
    ReasonCode.MIN_BLOCK: _("Too few hours for the smallest block"),
    ReasonCode.DAYS: _("The days do not fit"),
    ReasonCode.INTRODUCTIONS: _("The unit cannot introduce more new people"),
}

SHIFTS = {
    Shift.DAY: _("day shifts"),
    Shift.EVENING: _("evening shifts"),
    Shift.NIGHT: _("night shifts"),
    Shift.WEEKEND: _("weekend shifts"),
}

# One sentence for one person, one for more. Chosen by count until the catalogue has plural
# forms; each keeps its count as `%(count)s` so that it can become one ngettext call.
EXCLUDED = {
    ReasonCode.SHIFT: (
        _("%(count)s person with the skill does not work %(shifts)s."),
        _("%(count)s people with the skill do not work %(shifts)s."),
    ),
    ReasonCode.RISK_PROTECTION: (
        _(
            "%(count)s person with the skill may not work here: the need is marked as exposed "
            "and they are in a risk group."
        ),
        _(
            "%(count)s people with the skill may not work here: the need is marked as exposed "
            "and they are in a risk group."
        ),
    ),
    ReasonCode.SAME_UNIT: (
        _("%(count)s person with the skill already belongs to this unit."),
        _("%(count)s people with the skill already belong to this unit."),
    ),
    ReasonCode.AVOIDED: (
        _("%(count)s person with the skill asked not to be lent to this unit."),
        _("%(count)s people with the skill asked not to be lent to this unit."),
    ),
    ReasonCode.UNAVAILABLE: (
        _("%(count)s person with the skill is away or fully busy at their home unit in %(week)s."),
        _("%(count)s people with the skill are away or fully busy at their home unit in %(week)s."),
    ),
    ReasonCode.DAYS: (
        _(
            "%(count)s person with the skill cannot be away on the need's days long enough "
            "for its smallest block."
        ),
        _(
            "%(count)s people with the skill cannot be away on the need's days long enough "
            "for its smallest block."
        ),
    ),
}

SENTENCES = {
    ReasonDetail.NOBODY_HAS_SKILL: (
        _("Nobody in the job bank has the skill %(skill)s."),
        _("Nobody in the job bank has the skill %(skill)s."),
    ),
    ReasonDetail.NOBODY_ELIGIBLE: (
        _("Nobody who may take this need has the skill %(skill)s."),
        _("Nobody who may take this need has the skill %(skill)s."),
    ),
    ReasonDetail.REMAINDER_BELOW_BLOCK: (
        _(
            "The remaining %(hours)s hours are fewer than the smallest block of %(block)s hours "
            "one person must take."
        ),
        _(
            "The remaining %(hours)s hours are fewer than the smallest block of %(block)s hours "
            "one person must take."
        ),
    ),
    ReasonDetail.FULLY_PLANNED: (
        _("%(count)s person who could help is fully planned in %(week)s."),
        _("%(count)s people who could help are fully planned in %(week)s."),
    ),
    ReasonDetail.AT_UNIT_LIMIT: (
        _(
            "%(count)s person who could help already goes to %(units)s units in %(week)s, "
            "the most allowed."
        ),
        _(
            "%(count)s people who could help already go to %(units)s units in %(week)s, "
            "the most allowed."
        ),
    ),
    ReasonDetail.BELOW_BLOCK: (
        _(
            "%(count)s person with the skill can give fewer hours than the smallest block of "
            "%(block)s hours in %(week)s."
        ),
        _(
            "%(count)s people with the skill can give fewer hours than the smallest block of "
            "%(block)s hours in %(week)s."
        ),
    ),
    ReasonDetail.DAYS_APART: (
        _("%(count)s person planned here can be away on too few of the need's days."),
        _("%(count)s people planned here can be away on too few of the need's days."),
    ),
    ReasonDetail.DAILY_HOURS: (
        _("%(count)s person planned here cannot work more hours a day on the need's days."),
        _("%(count)s people planned here cannot work more hours a day on the need's days."),
    ),
    ReasonDetail.ONE_PLACE_A_DAY: (
        _("%(count)s person planned here already works elsewhere on the need's days."),
        _("%(count)s people planned here already work elsewhere on the need's days."),
    ),
    ReasonDetail.REST: (
        _(
            "%(count)s person planned here would not get 11 hours' rest between shifts on "
            "the need's days."
        ),
        _(
            "%(count)s people planned here would not get 11 hours' rest between shifts on "
            "the need's days."
        ),
    ),
    ReasonDetail.DAY_BLOCK: (
        _("%(count)s person planned here has less than a whole block left on the need's days."),
        _("%(count)s people planned here have less than a whole block left on the need's days."),
    ),
    ReasonDetail.INTRODUCTIONS_FULL: (
        _(
            "%(count)s person who could help is new to %(unit)s, which can introduce "
            "%(capacity)s a week; %(coming)s."
        ),
        _(
            "%(count)s people who could help are new to %(unit)s, which can introduce "
            "%(capacity)s a week; %(coming)s."
        ),
    ),
    ReasonDetail.INTRODUCTION_COST: (
        _(
            "%(count)s person who could help is new to %(unit)s and could cover no more hours "
            "here than the %(hours)s hours introducing them would cost; the round trades that "
            "coverage for fewer introductions."
        ),
        _(
            "%(count)s people who could help are new to %(unit)s and could cover no more hours "
            "here than the %(hours)s hours introducing them would cost; the round trades that "
            "coverage for fewer introductions."
        ),
    ),
    ReasonDetail.TIME_LIMIT: (
        _(
            "%(count)s person could still give hours, but the search stopped at its time limit "
            "before placing them."
        ),
        _(
            "%(count)s people could still give hours, but the search stopped at its time limit "
            "before placing them."
        ),
    ),
}


def word_reason(
    language: str, reason: Reason, skills: Mapping[str, str], unit: str = ""
) -> WordedReason:
    """`reason` for a reader of `language`; `skills` names skill codes in that language and
    `unit` is the name of the need's unit. A result saved before reasons had values gets its
    label only."""
    label = translate(language, LABELS.get(reason.code, reason.code.value))
    values = reason.values
    if values is None:
        return WordedReason(reason.code.value, label, "")
    sentence = _sentence(language, reason.code, values, skills, unit)
    return WordedReason(reason.code.value, label, sentence)


def _sentence(
    language: str,
    code: ReasonCode,
    values: ReasonValues,
    skills: Mapping[str, str],
    unit: str,
) -> str:
    if values.detail is ReasonDetail.EXCLUDED and code in EXCLUDED:
        one, many = EXCLUDED[code]
    else:
        one, many = SENTENCES.get(values.detail, ("", ""))
    if not one:
        return ""
    shifts = translate(language, SHIFTS[values.shift]) if values.shift else ""
    words = {
        "count": _hours_label(language, values.people),
        "skill": skills.get(values.skill, values.skill),
        "shifts": shifts,
        "week": _week_label(language, values.week_start) if values.week_start else "",
        "hours": _hours_label(language, values.hours or 0),
        "block": _hours_label(language, values.min_block or 0),
        "units": _hours_label(language, values.max_units or 0),
        "unit": unit,
        **_introductions(language, values),
    }
    sentence = translate(language, one if values.people == 1 else many) % words
    return " ".join(filter(None, [sentence, _taken(language, values)]))


def _introductions(language: str, values: ReasonValues) -> dict[str, str]:
    """Rule 10's numbers, each counted in the reader's language: `2 new people`, `2 are
    already coming`."""
    capacity, coming = values.capacity or 0, values.coming or 0
    return {
        "capacity": translate_plural(language, "%(num)s new person", "%(num)s new people", capacity)
        % {"num": capacity},
        "coming": translate_plural(
            language, "%(num)s is already coming", "%(num)s are already coming", coming
        )
        % {"num": coming},
    }


def _taken(language: str, values: ReasonValues) -> str:
    """`They cover higher-priority needs: n3 (priority 5), n9 (priority 4) and 2 more.`"""
    if not values.taken_by:
        return ""
    needs = [
        translate(language, _("%(need)s (priority %(priority)s)"))
        % {"need": taken.need, "priority": taken.priority}
        for taken in values.taken_by
    ]
    if values.more_taken:
        needs.append(translate(language, _("%(count)s more")) % {"count": values.more_taken})
    listed = format_list(needs, locale=language)
    if values.all_higher_priority:
        return translate(language, _("They cover higher-priority needs: %(needs)s.")) % {
            "needs": listed
        }
    return translate(language, _("They cover the needs %(needs)s.")) % {"needs": listed}
