"""A page form's shape keeps each value beyond its bound as a problem and leaves it out, so the
services still check the rest and the form tells every wrong field at once."""

from __future__ import annotations

from jobbank.core.bounds import shaped_within
from jobbank.core.errors import Problems
from jobbank.needs import NeedPatch


def test_values_beyond_their_bounds_are_told_and_the_rest_still_shaped() -> None:
    problems = Problems()
    patch = shaped_within(NeedPatch, problems, version=1, hours=500.0, priority=9, skill="nurse")
    assert [problem.field for problem in problems.found] == ["hours", "priority"]
    assert patch is not None and isinstance(patch, NeedPatch)
    assert patch.hours is None and patch.priority is None  # left as they are
    assert patch.skill == "nurse" and patch.version == 1


def test_values_within_their_bounds_are_shaped_as_ever() -> None:
    problems = Problems()
    patch = shaped_within(NeedPatch, problems, version=2, hours=7.5)
    assert problems.found == [] and patch == NeedPatch(version=2, hours=7.5)
