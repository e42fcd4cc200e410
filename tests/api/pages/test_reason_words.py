"""Reasons for unfilled need-weeks are worded from their code and values in the reader's
language: skill names, not codes; weeks and numbers as the locale writes them; never the
solver's English message."""

from __future__ import annotations

import datetime as dt

import pytest

from api.pages.reasons import word_reason
from solver.contract import NeedTaken, Reason, ReasonCode, ReasonDetail, ReasonValues, Shift

SKILLS = {"nurse": "Sygeplejerske"}
MONDAY = dt.date(2027, 3, 15)


def _reason(code: ReasonCode, **values: object) -> Reason:
    return Reason(code=code, message="English for logs", values=ReasonValues.model_validate(values))


def test_danish_reader_gets_danish_words_skill_names_and_danish_weeks() -> None:
    reason = _reason(
        ReasonCode.UNAVAILABLE,
        detail=ReasonDetail.EXCLUDED,
        people=3,
        skill="nurse",
        week_start=MONDAY,
    )
    worded = word_reason("da", reason, SKILLS)
    assert worded.label == "Ingen er til rådighed"
    assert worded.sentence.startswith("3 personer med kompetencen")
    assert "uge 11" in worded.sentence
    assert "2027-03-15" not in worded.sentence
    assert "English" not in worded.sentence


def test_a_missing_skill_is_named_not_coded() -> None:
    reason = _reason(ReasonCode.NO_SKILL, detail=ReasonDetail.NOBODY_HAS_SKILL, skill="nurse")
    assert "Sygeplejerske" in word_reason("da", reason, SKILLS).sentence
    assert "nurse" not in word_reason("da", reason, SKILLS).sentence


@pytest.mark.parametrize(("language", "expected"), [("da", "12,5"), ("en", "12.5")])
def test_hours_use_the_locales_decimal_mark(language: str, expected: str) -> None:
    reason = _reason(
        ReasonCode.MIN_BLOCK, detail=ReasonDetail.REMAINDER_BELOW_BLOCK, hours=12.5, min_block=16
    )
    assert expected in word_reason(language, reason, SKILLS).sentence


def test_the_needs_that_took_the_helpers_are_listed_in_the_readers_language() -> None:
    reason = _reason(
        ReasonCode.NO_CAPACITY,
        detail=ReasonDetail.FULLY_PLANNED,
        people=1,
        week_start=MONDAY,
        taken_by=[NeedTaken(need="n3", priority=5), NeedTaken(need="n9", priority=4)],
        more_taken=2,
        all_higher_priority=True,
    )
    danish = word_reason("da", reason, SKILLS).sentence
    english = word_reason("en", reason, SKILLS).sentence
    assert "n3 (prioritet 5), n9 (prioritet 4) og 2 andre" in danish
    assert "n3 (priority 5), n9 (priority 4), and 2 more" in english


def test_every_shift_and_detail_has_words_in_both_languages() -> None:
    for shift in Shift:
        reason = _reason(ReasonCode.SHIFT, detail=ReasonDetail.EXCLUDED, people=2, shift=shift)
        english, danish = word_reason("en", reason, SKILLS), word_reason("da", reason, SKILLS)
        assert english.sentence
        assert english.sentence != danish.sentence
    for detail in set(ReasonDetail) - {ReasonDetail.EXCLUDED}:
        reason = _reason(ReasonCode.NO_CAPACITY, detail=detail, people=2, week_start=MONDAY)
        english, danish = word_reason("en", reason, SKILLS), word_reason("da", reason, SKILLS)
        assert english.sentence
        assert english.sentence != danish.sentence


def test_a_result_saved_before_values_shows_its_label_only() -> None:
    old = Reason(
        code=ReasonCode.SHIFT, message="1 person with the skill does not work night shifts."
    )
    assert word_reason("da", old, SKILLS) == ("shift", "Ingen arbejder i den vagt", "")


def test_a_unit_that_cannot_introduce_more_is_named_with_its_limit_and_who_is_coming() -> None:
    full = _reason(
        ReasonCode.INTRODUCTIONS,
        detail=ReasonDetail.INTRODUCTIONS_FULL,
        people=3,
        capacity=2,
        coming=2,
        week_start=MONDAY,
    )
    danish = word_reason("da", full, SKILLS, "Plejecenter Solgården")
    english = word_reason("en", full, SKILLS, "Plejecenter Solgården")
    assert danish.label == "Enheden kan ikke tage imod flere nye"
    assert danish.sentence == (
        "3 personer, der kunne hjælpe, er nye på Plejecenter Solgården, som kan tage imod "
        "2 nye om ugen; 2 er allerede på vej."
    )
    assert english.sentence == (
        "3 people who could help are new to Plejecenter Solgården, which can introduce "
        "2 new people a week; 2 are already coming."
    )


def test_one_of_each_reads_in_the_singular() -> None:
    one = _reason(
        ReasonCode.INTRODUCTIONS,
        detail=ReasonDetail.INTRODUCTIONS_FULL,
        people=1,
        capacity=1,
        coming=1,
    )
    assert word_reason("en", one, SKILLS, "Hjemmeplejen").sentence == (
        "1 person who could help is new to Hjemmeplejen, which can introduce 1 new person a "
        "week; 1 is already coming."
    )
    assert word_reason("da", one, SKILLS, "Hjemmeplejen").sentence == (
        "1 person, der kunne hjælpe, er ny på Hjemmeplejen, som kan tage imod 1 ny om ugen; "
        "1 er allerede på vej."
    )


def test_a_need_left_open_for_fewer_introductions_says_what_the_introduction_costs() -> None:
    priced = _reason(
        ReasonCode.INTRODUCTIONS, detail=ReasonDetail.INTRODUCTION_COST, people=2, hours=4
    )
    assert word_reason("en", priced, SKILLS, "Solgården").sentence == (
        "2 people who could help are new to Solgården and could cover no more hours here than "
        "the 4 hours introducing them would cost; the round trades that coverage for fewer "
        "introductions."
    )
    assert word_reason("da", priced, SKILLS, "Solgården").sentence == (
        "2 personer, der kunne hjælpe, er nye på Solgården og kunne ikke dække flere timer her "
        "end de 4 timer, det ville koste at introducere dem; runden bytter den dækning for "
        "færre introduktioner."
    )
