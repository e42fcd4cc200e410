"""The calendar's events: a week of a deployment as one all-day event, or, where the plan
has put its hours on days, one event per day at its local times; and a week a change ended,
cancelled."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date
from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS, TRANSP

from jobbank.assignments import ContactInfo, Deployment, WeekKey
from jobbank.calendar.history import ChangeKey, WeekHistory
from jobbank.db.models import Person
from jobbank.sessions import now
from solver.contract import WorkDay

PRODID = "-//Jobbank//Jobbank calendar//EN"
UID_DOMAIN = "jobbank"
REFRESH = dt.timedelta(hours=6)
"""How often calendar apps are asked to fetch the feed again."""
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
"""Where the municipality's shifts are: a day's times are its local clock times."""

WORDS = {
    "da": {
        "hours": "t",
        "cancelled": "aflyst",
        "week": "Uge {number}: {hours} timer hos {unit}",
        "on_day": "{day}: {start}–{end}, {hours} timer hos {unit}",
        "work": "Arbejde",
        "shift": "Vagt",
        "contact": "Kontakt",
        "unit_phone": "Enhedens telefon",
        "round": "Runde",
        "calendar": "Jobbank – {name}",
        "day": "dag",
        "evening": "aften",
        "night": "nat",
        "weekend": "weekend",
    },
    "en": {
        "hours": "h",
        "cancelled": "cancelled",
        "week": "Week {number}: {hours} hours at {unit}",
        "on_day": "{day}: {start}–{end}, {hours} hours at {unit}",
        "work": "Work",
        "shift": "Shift",
        "contact": "Contact",
        "unit_phone": "Unit phone",
        "round": "Round",
        "calendar": "Jobbank – {name}",
        "day": "day",
        "evening": "evening",
        "night": "night",
        "weekend": "weekend",
    },
}


def person_calendar(
    person: Person,
    deployments: list[Deployment],
    history: dict[ChangeKey, WeekHistory] | None = None,
    *,
    cancelled: bool = False,
    days: dict[WeekKey, tuple[WorkDay, ...]] | None = None,
) -> Calendar:
    """A calendar with one all-day event per week of each deployment, or one event per day
    where `days` has the week's days, each at the SEQUENCE its `history` of changes gives it;
    with `cancelled`, also a cancelled event for each week a change ended and no plan has
    given back."""
    words = WORDS.get(person.language, WORDS["da"])
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=words["calendar"].format(name=person.name),
        uid=f"feed-{person.id}@{UID_DOMAIN}",
        refresh_interval=REFRESH,
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # as RFC 7986 asks
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # Outlook's name for the same
    history = history or {}
    shown: set[ChangeKey] = set()
    days = days or {}
    for deployment in deployments:
        for week, hours in deployment.weeks:
            key = (deployment.need.id, week)
            shown.add(key)
            past = history.get(key)
            planned = days.get((deployment.round.id, deployment.need.id, week), ())
            events = [day_event(deployment, day, person.language, past) for day in planned]
            for event in events or [week_event(deployment, week, hours, person.language, past)]:
                calendar.add_component(event)
    if cancelled:
        for (need_id, week), past in sorted(history.items()):
            if past.hours_after == 0 and (need_id, week) not in shown:
                calendar.add_component(
                    cancelled_event(person, need_id, week, past, person.language)
                )
    calendar.add_missing_timezones()  # each TZID a day's times name, as RFC 5545 asks
    return calendar


def _uid(person_id: int, need_id: int, week: dt.date) -> str:
    return f"{person_id}-{need_id}-{week.isoformat()}@{UID_DOMAIN}"


def cancelled_event(
    person: Person, need_id: int, week: dt.date, past: WeekHistory, language: str
) -> Event:
    """A week a change ended: the same UID at a higher SEQUENCE, STATUS:CANCELLED."""
    words = WORDS.get(language, WORDS["da"])
    return Event.new(
        uid=_uid(person.id, need_id, week),
        summary=f"Jobbank: {past.unit}, {words['cancelled']}",
        start=week,
        end=week + dt.timedelta(weeks=1),
        stamp=past.last_at,
        last_modified=past.last_at,
        location=past.address or past.unit,
        sequence=past.changes,
        status=STATUS.CANCELLED,
        transparency=TRANSP.TRANSPARENT,
    )


def week_event(
    deployment: Deployment,
    week: dt.date,
    hours: float,
    language: str,
    past: WeekHistory | None = None,
) -> Event:
    """One week of a deployment: where, how many hours, what work and whom to contact; at
    SEQUENCE 0 as published, or at the number of changes made to it since."""
    words = WORDS.get(language, WORDS["da"])
    need, unit = deployment.need, deployment.need.unit
    amount = _hours(hours, language)
    heading = words["week"].format(number=week.isocalendar().week, hours=amount, unit=unit.name)
    stamp = past.last_at if past is not None else deployment.round.published_at or now()
    return Event.new(
        uid=_uid(deployment.person.id, need.id, week),
        sequence=past.changes if past is not None else None,
        summary=f"Jobbank: {unit.name}, {amount} {words['hours']}",
        start=week,
        end=week + dt.timedelta(weeks=1),
        stamp=stamp,
        last_modified=stamp,
        location=unit.address or unit.name,
        description="\n".join([heading, *_about(deployment, language)]),
        contacts=[_contact(person) for person in deployment.contacts],
        transparency=TRANSP.TRANSPARENT,
    )


def day_event(
    deployment: Deployment, day: WorkDay, language: str, past: WeekHistory | None = None
) -> Event:
    """One day of a deployment at its local times (a night shift ends the next morning): where,
    when, what work and whom to contact; busy in the person's calendar. Its UID names the
    person, the need and the date, apart from the week's, so a week first published by the
    week and later by days is not mistaken for one of them."""
    words = WORDS.get(language, WORDS["da"])
    need, unit = deployment.need, deployment.need.unit
    start = dt.datetime.combine(day.date, day.start, tzinfo=LOCAL_TIME)
    ends_next_day = day.end <= day.start
    end_date = day.date + dt.timedelta(days=1) if ends_next_day else day.date
    end = dt.datetime.combine(end_date, day.end, tzinfo=LOCAL_TIME)
    times = f"{day.start.isoformat('minutes')}–{day.end.isoformat('minutes')}"
    stamp = past.last_at if past is not None else deployment.round.published_at or now()
    heading = words["on_day"].format(
        day=format_date(day.date, format="EEEE d MMMM", locale=language),
        start=day.start.isoformat("minutes"),
        end=day.end.isoformat("minutes"),
        hours=_hours(day.hours, language),
        unit=unit.name,
    )
    return Event.new(
        uid=f"day-{deployment.person.id}-{need.id}-{day.date.isoformat()}@{UID_DOMAIN}",
        sequence=past.changes if past is not None else None,
        summary=f"Jobbank: {unit.name}, {times}",
        start=start,
        end=end,
        stamp=stamp,
        last_modified=stamp,
        location=unit.address or unit.name,
        description="\n".join([heading, *_about(deployment, language)]),
        contacts=[_contact(person) for person in deployment.contacts],
        transparency=TRANSP.OPAQUE,
    )


def _about(deployment: Deployment, language: str) -> list[str]:
    """The lines that tell what the work is and whom to ask, under each event's first."""
    words = WORDS.get(language, WORDS["da"])
    need, unit = deployment.need, deployment.need.unit
    skill = need.skill.label_da if language == "da" else need.skill.label_en
    work = f"{skill}: {need.description}" if need.description else skill
    return [
        f"{words['work']}: {work}",
        f"{words['shift']}: {words.get(need.shift.value, need.shift.value)}",
        *(f"{words['contact']}: {_contact(person)}" for person in deployment.contacts),
        *([f"{words['unit_phone']}: {unit.phone}"] if unit.phone else []),
        f"{words['round']}: {deployment.round.name}",
    ]


def _contact(person: ContactInfo) -> str:
    return ", ".join(part for part in (person.name, person.phone, person.email) if part)


def _hours(hours: float, language: str) -> str:
    text = f"{hours:g}"
    return text.replace(".", ",") if language == "da" else text
