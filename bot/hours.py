"""Counsellors' opening hours: `SANAD_OPENING_HOURS` in `SANAD_TIMEZONE`.

Format: `mon-fri 09:00-17:00; sat 10:00-13:00` (days mon..sun, ranges or lists like `mon,wed`;
several periods a day are allowed: `mon-fri 09:00-12:00,14:00-17:00`). `always` means 24/7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class OpeningHours:
    periods: tuple[tuple[int, time, time], ...]  # (weekday, start, end)
    zone: ZoneInfo
    always: bool = False

    @classmethod
    def parse(cls, spec: str, timezone: str) -> OpeningHours:
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"SANAD_TIMEZONE={timezone!r} is not a time zone (e.g. Africa/Casablanca)"
            ) from exc
        spec = spec.strip().lower()
        if spec in ("always", "24/7"):
            return cls((), zone, always=True)
        periods: list[tuple[int, time, time]] = []
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            try:
                days_spec, hours_spec = part.split(None, 1)
                days = _days(days_spec)
                for period in hours_spec.replace(" ", "").split(","):
                    m = _PERIOD.match(period)
                    if not m:
                        raise ValueError(period)
                    start = time(int(m[1]), int(m[2]))
                    end = time(23, 59, 59) if m[3] == "24" else time(int(m[3]), int(m[4]))
                    if end <= start:
                        raise ValueError(period)
                    periods += [(day, start, end) for day in days]
            except ValueError as exc:
                raise ConfigError(
                    f"SANAD_OPENING_HOURS: cannot read {part!r}; write e.g. 'mon-fri 09:00-17:00; "
                    "sat 10:00-13:00' or 'always'"
                ) from exc
        return cls(tuple(periods), zone)

    def is_open(self, at: datetime) -> bool:
        if self.always:
            return True
        local = at.astimezone(self.zone)
        return any(
            day == local.weekday() and start <= local.time() < end
            for day, start, end in self.periods
        )

    def next_opening(self, at: datetime) -> datetime | None:
        """When counsellors are next there (in the helpline's time zone)."""
        if self.always or not self.periods:
            return None if not self.always else at
        local = at.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            starts = sorted(
                datetime.combine(day, start, self.zone)
                for weekday, start, _ in self.periods
                if weekday == day.weekday()
            )
            for start in starts:
                if start > local:
                    return start
        return None


def _days(spec: str) -> list[int]:
    days: list[int] = []
    for item in spec.split(","):
        if "-" in item:
            first, last = (DAYS.index(d) for d in item.split("-", 1))
            days += (
                list(range(first, last + 1))
                if first <= last
                else [*range(first, 7), *range(0, last + 1)]
            )
        else:
            days.append(DAYS.index(item))
    return days
