"""The services' refusals in the reader's words, chosen by each refusal's stable `code`.

A service's `InvalidInput` or `Conflict` carries a code (`too_long`, `taken`, …), the field
at fault and the values its sentence needs (`params`); its English message is for logs and the
API and never decides what a page says. Every code has its sentence here, once for all pages,
each an English message marked for the Danish catalogue. A few codes read better told by
their field (`priority`, hours) or by what is taken (a unit's code, a person's number).
"""

from __future__ import annotations

from typing import Any

from api.pages.i18n import translate
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.sessions import PasswordsOff, TooManyAttempts, WrongCredentials
from jobbank.sign_on.refusals import TOKEN_REFUSALS, SignOnRefused

Refused = InvalidInput | Conflict


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the reader's words."""
    return message


STALE = _(
    "Someone else changed this meanwhile. Reload the page to see their change, "
    "then make yours again."
)
CHECK = _("Check this field: %(detail)s")
UNTRUSTED = _(
    "The answer from the municipality's log-in could not be trusted, so you are not logged "
    "in. Try again; if it happens again, tell IT support the code below."
)
"""Every refusal of the ID token itself: the person can do nothing about which check failed."""
"""A refusal without a sentence of its own: the service's words."""

SENTENCES: dict[str, str] = {
    # values as typed
    "required": _("Fill in this field."),
    "too_long": _("This is too long."),
    "not_a_code": _("Use only lower-case letters, digits, _ and -."),
    "not_an_email": _("Write an e-mail address, e.g. name@example.dk."),
    "unknown_language": _("Choose Danish or English."),
    "not_chosen": _("Choose one from the list."),
    "not_a_choice": _("Choose one of the options."),
    "not_true_or_false": _("Choose yes or no."),
    "not_a_number": _("Write a number, e.g. 7.5."),
    "not_a_whole_number": _("Write a whole number."),
    "not_a_date": _("Write a date, e.g. 2026-03-16."),
    "invalid_value": CHECK,
    # the text policy (`jobbank.core.texts`)
    "control_characters": _("Remove the hidden control characters from the text."),
    "line_breaks": _("Write this on one line."),
    "reordering_characters": _("Remove the characters that change the direction of the text."),
    "invisible_only": _("Write some visible text."),
    "not_unicode": _("Write ordinary text."),
    # bounds (`jobbank.core.bounds`): every bound above 0 and every multiple is of hours
    "must_exceed": _("Must be more than 0 hours."),
    "below_least": _("Must be at least %(ge)s."),
    "must_be_below": _("Must be less than %(lt)s."),
    "above_most": _("Must be at most %(le)s."),
    "not_a_multiple": _("Write hours in half hours, e.g. 7.5."),
    "not_finite": _("Write a number, e.g. 7.5."),
    "outside_years": _("Choose a week in the years 2000–2099."),
    "outside_range": _("Write a whole number from %(least)s to %(most)s."),
    # rows referred to
    "no_such_unit": _("Choose a unit from the list."),
    "no_such_area": _("Choose an area from the list."),
    "no_such_person": _("No person has this employee number."),
    "unknown_skill": _("Choose a skill from the list."),
    "taken": _("This is already taken."),
    "in_use": _("It is still in use and cannot be deleted."),
    # weeks and needs
    "not_a_monday": _("Choose a week from the list."),
    "ends_before_start": _("The last week cannot be before the first week."),
    "outside_span": _("Choose a week within the need's weeks."),
    "listed_twice": _("This week is listed twice."),
    "contact_not_at_unit": _("The contact person must work at or lead the unit."),
    "already_so": _("This has already been done."),
    # days and shift times (`jobbank.core.days`)
    "no_weekday": _("Choose at least one weekday."),
    "weekday_twice": _("Each weekday can have only one shift."),
    "not_on_half_hour": _("Choose a time on the hour or half hour, e.g. 07:30."),
    "not_a_time": _("Write a time, e.g. 07:00."),
    "shift_too_long": _("A shift is at most %(most)s hours."),
    "block_longer_than_shift": _(
        "At most %(most)s hours: a person works at least this much on each day, and the "
        "longest shift is that long."
    ),
    # volunteering
    "no_shift": _("Choose at least one shift type."),
    "one_of_two": _("Tick only one of the two."),
    "own_volunteering": _("An HR coordinator decides this for your own volunteering."),
    "version_required": _("Reload the page and make your change again."),
    "already_held": _("You already have this skill; choose only skills you want to learn."),
    # log-ins
    "password_too_short": _("Use at least %(least)s characters."),
    "password_is_username": _("Choose a password that is not the username."),
    "wrong_password": _("This is not your password."),
    "no_role": _("Choose at least one role."),
    "own_hr_role": _("You cannot take the HR coordinator role from yourself."),
    "own_log_in": _("You cannot switch off your own log-in."),
    "has_log_in": _("This person already has a log-in."),
    "lifetime_out_of_range": _("Choose a lifetime from 1 minute to %(most_days)s days."),
    WrongCredentials.code: _("Wrong username or password."),
    PasswordsOff.code: _(
        "Log-in with a password is switched off here; log in with your municipal account."
    ),
    TooManyAttempts.code: _("Too many failed log-ins; try again in a little while."),
    # checklist templates
    "area_and_unit": _("Choose an area or a unit, not both."),
    "no_scope": _("Choose an area or a unit."),
    "default_template": _(
        "The default template is for every unit; add an area or unit template instead."
    ),
    "default_template_stays": _("The default template stays; edit its items instead."),
    "checklist_item_not_yet_tickable": _("This item cannot be ticked yet."),
    "evaluation_not_yet_open": _(
        "This can be evaluated from %(opens)s, when the deployment's last planned week begins."
    ),
    # rounds
    "round_status": _("The round's status does not allow this now."),
    "no_snapshot": _("The round has no input yet."),
    "round_too_big": _("The round is too big; plan fewer weeks or fewer needs."),
    "not_in_round": _("Choose one from the round."),
    "outside_round": _("Choose a week within the round."),
    "time_limit_too_long": _("Choose at most %(most)s seconds."),
    # events on a published plan
    "last_day_before_first": _("The last day cannot be before the first day."),
    "event_applied": _("The plan has been repaired for this already; it cannot be taken back."),
    "change_set_stale": _(
        "The plan has changed since this proposal was made; make a new proposal and check it."
    ),
    "change_set_infeasible": _("This proposal breaks a rule and cannot be applied; see why."),
    "too_many_chosen": _("Pin or leave out at most %(most)s people."),
    "not_on_shortlist": _("This person cannot take these hours now; choose one from the list."),
    "more_than_offered": _("This person can take at most %(most)s hours of it."),
    "days_cannot_hold": _("This person's days can hold at most %(most)s of these hours."),
    # a deployment's answer
    "deployment_declined": _(
        "You have declined this deployment, and a decline cannot be turned into a "
        "confirmation. Talk to HR if you can come after all."
    ),
    "deployment_started": _(
        "Your first week has begun, so you can no longer decline. Report an absence or "
        "withdraw on the page for changes to the plan."
    ),
    "deployment_ended": _(
        "A change to the plan ended this deployment; there is nothing to answer."
    ),
    # erasing a person
    "already_erased": _("This person is already erased."),
    "only_leader": _("Give the units this person leads another leader first."),
    "being_solved": _("A round that plans this person is being solved; wait for it."),
    # imports, settings and the database
    "unknown_field": _("The mapping names a field the import does not have."),
    "unreadable_file": _("The file cannot be read."),
    "file_too_big": _("The file is too big."),
    "too_many_rows": _("The file has too many rows; split it."),
    "empty_file": _("The file is empty; the first row must name the columns."),
    "no_such_sheet": _("The file has no sheet of that name."),
    "not_an_smtp_url": _("Write it as smtp://user:password@host:port."),
    "database_not_empty": _("The database already holds data."),
    # the weekly pulse
    "not_a_planned_week": _("Choose one of the weeks you are lent out."),
    "week_not_begun": _("This week has not begun yet; answer it from its Monday."),
    # worked hours (`jobbank.deployments.worked`)
    "above_worked_margin": _(
        "At most %(most)s hours: the %(planned)s hours planned this week plus %(margin)s "
        "(one working day), never more than 48."
    ),
    "not_a_worked_week": _(
        "Choose a week that has begun and in which you were planned to work here."
    ),
    "worked_hours_confirmed": _(
        "The receiving leader has confirmed these hours; ask them if they should change."
    ),
    "no_worked_hours": _("No hours are entered for this week yet."),
    # sign-on with the municipality's accounts (`jobbank.sign_on`)
    **dict.fromkeys(TOKEN_REFUSALS, UNTRUSTED),
    "provider_unreachable": _(
        "Jobbank cannot reach the municipality's log-in just now. Try again in a moment."
    ),
    "too_many_sign_ons": _("Very many people are logging in just now. Try again in a few minutes."),
    "provider_mismatch": _(
        "The municipality's log-in is set up wrongly in Jobbank. Tell IT support."
    ),
    "provider_refused": _("The municipality's log-in did not let you in. Try again."),
    "token_refused": _("The municipality's log-in did not finish the log-in. Try again."),
    "unknown_state": _(
        "This log-in was not started in this browser. Start it again from the log-in page."
    ),
    "other_browser": _(
        "This log-in was not started in this browser. Start it again from the log-in page."
    ),
    "state_replayed": _("This log-in has been used already. Start a new one."),
    "sign_on_expired": _("The log-in took too long. Start it again."),
    "unknown_person": _(
        "You are logged in at the municipality, but Jobbank does not know you yet. Ask HR to "
        "add you with the e-mail address or employee number of your municipal account."
    ),
    "ambiguous_person": _(
        "Jobbank has more than one person with your e-mail address or employee number. "
        "Ask HR to correct it."
    ),
    "account_disabled": _("Your Jobbank log-in is switched off. Ask HR."),
    # any row
    "stale_version": STALE,
    NotFound.code: _("Not found"),
}
"""Each code's sentence; `%(name)s` is one of the refusal's params."""

HOURS_FIELDS = frozenset({"hours", "min_block", "weeks", "normal_hours", "home_load"})
_FOR_HOURS = {
    "above_most": _("That is more hours than allowed here."),
    "below_least": _("Hours cannot be negative."),
}
VARIANTS: dict[tuple[str, str], str] = {
    ("taken", "person"): _("Another person already has this employee number."),
    ("taken", "user_account"): _("Another log-in already has this username."),
    ("taken", "unit"): _("Another unit already has this code."),
    ("taken", "skill"): _("Another skill already has this code."),
    ("taken", "area"): _("Another area already has this name."),
    ("outside_range", "due_day"): _("Write a whole number of days from -60 to 120."),
    ("above_most", "daily_hours"): _("At most %(le)s hours a day."),
    ("weekday_twice", "away_days"): _("Each weekday can be chosen only once."),
    # a direct assignment's days, by the day rule that kept hours off (`solver.day_rules`)
    ("days_cannot_hold", "days"): _(
        "This person can be away on too few of the need's days: at most %(most)s of these "
        "hours fit."
    ),
    ("days_cannot_hold", "daily_hours"): _(
        "This person cannot work more hours a day on the need's days: at most %(most)s of "
        "these hours fit."
    ),
    ("days_cannot_hold", "one_place_a_day"): _(
        "This person already works elsewhere on the need's days: at most %(most)s of these "
        "hours fit."
    ),
    ("days_cannot_hold", "rest"): _(
        "This person would not get 11 hours' rest between shifts: at most %(most)s of these "
        "hours fit."
    ),
    ("days_cannot_hold", "day_block"): _(
        "This person has less than a whole block left on the need's days: at most %(most)s "
        "of these hours fit."
    ),
    **{(code, field): words for code, words in _FOR_HOURS.items() for field in HOURS_FIELDS},
}
"""A code's sentence told by what is taken (its `what`) or by the field at fault."""

FIELDS = {
    "priority": _("Choose a priority from 1 to 5."),
    "score": _("Choose a score from 1 to 5."),
    "again": _("Choose yes or no."),
    "meaningful": _("Choose a number from 1 to 5."),
    "pressed": _("Choose a number from 1 to 5."),
    "learner_share": _("Write a percentage from 0 to 100."),
    "coverage_trade": _("Write a percentage from 0 to 5."),
    "intro_capacity": _(
        "Write a whole number of people from 0 to 50, or leave it empty for no limit."
    ),
    "intro_hours": _("Write hours from 0 to 40 in half hours, e.g. 4.5."),
}
"""Fields whose every refusal reads the same: the list to choose from says the rest."""


def form_field(error: Refused) -> str:
    """`weeks[2].hours` → `weeks`: the form field a refusal belongs to."""
    return (error.field or "").split("[", 1)[0].split(".", 1)[0]


def words_of(error: Refused) -> str:
    """The English sentence (the catalogue's message) that tells `error`."""
    field = form_field(error)
    what = str(error.params.get("what", ""))
    return (
        FIELDS.get(field)
        or VARIANTS.get((error.code, what))
        or VARIANTS.get((error.code, field))
        or SENTENCES.get(error.code, CHECK)
    )


def sign_on_sentence(language: str, refused: SignOnRefused) -> str:
    """Why a sign-on did not let the person in, in their language."""
    return translate(language, SENTENCES.get(refused.code, UNTRUSTED))


def sentence(language: str, error: Refused) -> str:
    """`error` as a short sentence in the reader's language, with its values filled in."""
    detail = error.message if isinstance(error, InvalidInput) else str(error)
    values = {name: _shown(value) for name, value in error.params.items()}
    return translate(language, words_of(error)) % (values | {"detail": detail})


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def sentences(language: str, error: InvalidInput) -> dict[str, str]:
    """Each refused form field's sentence (the first, should one have several)."""
    told: dict[str, str] = {}
    for problem in error.problems:
        told.setdefault(form_field(problem), sentence(language, problem))
    return told
