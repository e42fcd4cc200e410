"""Volunteer profiles: who may be lent, with what, and how much their home unit still needs.

Staff keep their own profile; the leader of their home unit approves it and sets the home
load; HR coordinators see and edit every profile.

Editing skills, hours, shift types or preferences after approval keeps the approval. The
profile stays the same person's offer; re-approving after every small correction would keep
volunteers out of rounds for nothing, and a leader who wants to reconsider sees each change
in the audit log and can decline. Opting out takes effect at once: rounds snapshot only
opted-in, approved volunteers (`is_plannable`). The home load a leader sets is at most the
normal hours at the time; hours lowered later only bring the capacity down to 0, never below.

The risk-group flag is health data. Staff declare it but never read it back, leaders never
see it, and every HR read of it is written to the audit log (`read_health`). Audit entries of
changes say that it changed, never its value, so the log itself holds no health data.

Week rows (`VolunteerWeek`) keep both a week's availability and its home load; a row that
says nothing the profile's defaults do not (available, default home load) is dropped.

The home leader (or HR) also says on which weekdays the person may be lent and how many
hours a day (`plan_days`); the person reads both on their profile but does not set them.

`plannable` says what a round reads of a profile, `bodies` what people send, `reading` and
`changing` serve them.
"""

from __future__ import annotations

from jobbank.volunteers.bodies import (
    ApprovalDecision,
    AreaRef,
    DayPlan,
    HomeLoadPlan,
    ProfileEdit,
    ProfilePatch,
    UnitRef,
    WeekAvailability,
    WeekHomeLoad,
)
from jobbank.volunteers.changing import (
    HIDDEN,
    decide_approval,
    patch_profile,
    plan_days,
    plan_home_load,
    save_own_profile,
)
from jobbank.volunteers.plannable import available_in, home_load_in, is_plannable
from jobbank.volunteers.reading import (
    ENTITY,
    UnitWaiting,
    VolunteerCounts,
    VolunteerService,
    get_profile,
    home_load_overrides,
    list_profiles,
    may_decide,
    own_profile,
    own_profile_or_none,
    read_health,
    unavailable_weeks,
    volunteer_counts,
    volunteers_to_decide,
    waiting_by_unit,
)

__all__ = [
    "ENTITY",
    "HIDDEN",
    "ApprovalDecision",
    "AreaRef",
    "DayPlan",
    "HomeLoadPlan",
    "ProfileEdit",
    "ProfilePatch",
    "UnitRef",
    "UnitWaiting",
    "VolunteerCounts",
    "VolunteerService",
    "WeekAvailability",
    "WeekHomeLoad",
    "available_in",
    "decide_approval",
    "get_profile",
    "home_load_in",
    "home_load_overrides",
    "is_plannable",
    "list_profiles",
    "may_decide",
    "own_profile",
    "own_profile_or_none",
    "patch_profile",
    "plan_days",
    "plan_home_load",
    "read_health",
    "save_own_profile",
    "unavailable_weeks",
    "volunteer_counts",
    "volunteers_to_decide",
    "waiting_by_unit",
]
