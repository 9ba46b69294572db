"""Opening hours said aloud: "Monday to Friday from 9:00 to 17:00", in the caller's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

from babel.dates import format_time, get_day_names

from bot.domain import Text
from bot.hours import OpeningHours
from bot.i18n import Language

from .texts import HOURS, HOURS_DAYS, HOURS_TIMES

Periods = tuple[tuple[time, time], ...]


def spoken_hours(hours: OpeningHours, language: Language, say: Callable[[Text], str]) -> str | None:
    """The sentence giving the counsellors' hours; None when they are always there."""
    if hours.always or not hours.periods:
        return None
    by_day: dict[int, Periods] = {}
    for day, start, end in sorted(hours.periods):
        by_day[day] = (*by_day.get(day, ()), (start, end))
    # Runs of consecutive days with the same periods: "Monday to Friday", then "Saturday".
    runs: list[tuple[int, int, Periods]] = []
    for day in sorted(by_day):
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == by_day[day]:
            runs[-1] = (runs[-1][0], day, by_day[day])
        else:
            runs.append((day, day, by_day[day]))
    names = get_day_names("wide", locale=language.locale)
    parts = []
    for first, last, periods in runs:
        days = (
            str(names[first])
            if first == last
            else say(HOURS_DAYS.with_params(first=str(names[first]), last=str(names[last])))
        )
        times = ", ".join(
            say(
                HOURS_TIMES.with_params(
                    start=format_time(start, format="short", locale=language.locale),
                    end=format_time(end, format="short", locale=language.locale),
                )
            )
            for start, end in periods
        )
        parts.append(f"{days} {times}")
    return say(HOURS.with_params(hours="; ".join(parts)))
