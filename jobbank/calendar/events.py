"""The calendar's events: a week of a deployment as one all-day event, or, where the plan
has put its hours on days, one event per day at its local times; and a week a change ended,
cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date
from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS, TRANSP

from jobbank.assignments import ContactInfo, Deployment, WeekKey
from jobbank.calendar.history import ChangeKey, DayHistory, DayKey, WeekHistory
from jobbank.core.weeks import monday_of
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
    day_history: dict[DayKey, DayHistory] | None = None,
) -> Calendar:
    """A calendar with one all-day event per week of each deployment, or one event per day
    where `days` has the week's days, each at the SEQUENCE its `history` of changes gives it
    (a day's also counts the changes of the day itself, `day_history`); with `cancelled`,
    also a cancelled event for each week a change ended and each day a change took away
    that no plan has given back."""
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
    history, day_history, days = history or {}, day_history or {}, days or {}
    shown: set[ChangeKey] = set()
    shown_days: set[DayKey] = set()
    for deployment in deployments:
        need_id = deployment.need.id
        for week, hours in deployment.weeks:
            shown.add((need_id, week))
            past = history.get((need_id, week))
            planned = days.get((deployment.round.id, need_id, week), ())
            shown_days |= {(need_id, day.date) for day in planned}
            events = [
                day_event(
                    deployment, day, person.language, day_seen(past, day_history, need_id, day.date)
                )
                for day in planned
            ]
            for event in events or [week_event(deployment, week, hours, person.language, past)]:
                calendar.add_component(event)
    if cancelled:
        for (need_id, week), past in sorted(history.items()):
            if past.hours_after == 0 and (need_id, week) not in shown:
                calendar.add_component(
                    cancelled_event(person, need_id, week, past, person.language)
                )
        for (need_id, date), day_past in sorted(day_history.items()):
            gone = day_past.taken_away
            if gone is not None and (need_id, date) not in shown_days:
                seen = day_seen(history.get((need_id, monday_of(date))), day_history, need_id, date)
                assert seen is not None
                calendar.add_component(
                    cancelled_day_event(person, need_id, gone, day_past, seen, person.language)
                )
    calendar.add_missing_timezones()  # each TZID a day's times name, as RFC 5545 asks
    return calendar


def _uid(person_id: int, need_id: int, week: dt.date) -> str:
    return f"{person_id}-{need_id}-{week.isoformat()}@{UID_DOMAIN}"


def _day_uid(person_id: int, need_id: int, date: dt.date) -> str:
    return f"day-{person_id}-{need_id}-{date.isoformat()}@{UID_DOMAIN}"


@dataclass(frozen=True)
class DaySeen:
    """A day event's SEQUENCE and the time of its last change."""

    changes: int
    last_at: dt.datetime


def day_seen(
    week: WeekHistory | None,
    day_history: dict[DayKey, DayHistory],
    need_id: int,
    date: dt.date,
) -> DaySeen | None:
    """What changed a day: the changes of its week (its hours) and of the day itself (its
    times or hours, or it being taken away), so that either raises its SEQUENCE; None when
    nothing has changed it since publishing."""
    pasts = [p for p in (week, day_history.get((need_id, date))) if p is not None]
    if not pasts:
        return None
    return DaySeen(sum(p.changes for p in pasts), max(p.last_at for p in pasts))


def _day_times(day: WorkDay) -> tuple[dt.datetime, dt.datetime]:
    """A day's start and end at its local times; an end not after the start is the next day."""
    start = dt.datetime.combine(day.date, day.start, tzinfo=LOCAL_TIME)
    end_date = day.date + dt.timedelta(days=1) if day.end <= day.start else day.date
    return start, dt.datetime.combine(end_date, day.end, tzinfo=LOCAL_TIME)


def cancelled_event(
    person: Person, need_id: int, week: dt.date, past: WeekHistory, language: str
) -> Event:
    """A week a change ended: the same UID at a higher SEQUENCE, STATUS:CANCELLED."""
    return _cancelled(
        _uid(person.id, need_id, week),
        (week, week + dt.timedelta(weeks=1)),
        past.unit,
        past.address,
        (past.last_at, past.changes),
        language,
    )


def cancelled_day_event(
    person: Person,
    need_id: int,
    day: WorkDay,
    past: DayHistory,
    seen: DaySeen,
    language: str,
) -> Event:
    """A day a change took away: its UID at a higher SEQUENCE, STATUS:CANCELLED, at the
    times it had."""
    return _cancelled(
        _day_uid(person.id, need_id, day.date),
        _day_times(day),
        past.unit,
        past.address,
        (seen.last_at, seen.changes),
        language,
    )


def _cancelled(
    uid: str,
    when: tuple[dt.date | dt.datetime, dt.date | dt.datetime],
    unit: str,
    address: str,
    last_change: tuple[dt.datetime, int],
    language: str,
) -> Event:
    """An event a change ended: its UID at the SEQUENCE of its changes, STATUS:CANCELLED,
    at the time it had, free in the person's calendar."""
    words = WORDS.get(language, WORDS["da"])
    at, changes = last_change
    return Event.new(
        uid=uid,
        summary=f"Jobbank: {unit}, {words['cancelled']}",
        start=when[0],
        end=when[1],
        stamp=at,
        last_modified=at,
        location=address or unit,
        sequence=changes,
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
    deployment: Deployment, day: WorkDay, language: str, past: DaySeen | None = None
) -> Event:
    """One day of a deployment at its local times (a night shift ends the next morning): where,
    when, what work and whom to contact; busy in the person's calendar. Its UID names the
    person, the need and the date, apart from the week's, so a week first published by the
    week and later by days is not mistaken for one of them."""
    words = WORDS.get(language, WORDS["da"])
    need, unit = deployment.need, deployment.need.unit
    start, end = _day_times(day)
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
        uid=_day_uid(deployment.person.id, need.id, day.date),
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
