"""The working-day calendar legal deadlines are counted on (pure; no database, no I/O).

Which days are working days (工作日) is decided each year by the State Council's holiday notice
(国务院办公厅关于某年部分节假日安排的通知): statutory holidays (法定节假日) are days off even on a
weekday, and make-up working days (调休上班日) are working days even on a weekend. The
`chinese_calendar` package (pinned in pyproject) ships those notices; it raises
`NotImplementedError` for a year it has no notice for (it covered 2004–2026 when this was
written). For such years, and for local adjustments, a `WorkingCalendar` takes an override table
(date → is a working day) and the list of years that table records completely. A day in a year
that neither the package nor a complete override year covers raises `CalendarYearUnknown`: the
calendar never falls back to "Monday to Friday", because one missed Spring Festival moves every
deadline around it by a week.

Day counting (REFERENCE §0):

- **Working days.** APL Art. 85: "二日""三日""五日""七日" in the Administrative Penalty Law are
  working days, statutory holidays excluded (Administrative Coercion Law Art. 69: every period of
  ten days or less). `add_working_days(start, n)`: the day of the act is not counted; the
  deadline is the n-th working day after it.
- **Calendar days.** Every other period (APL Art. 60's 90 days, Art. 67's 15 days) counts every
  day. `add_calendar_days(start, n)` follows the periods rule of the Civil Procedure Law (2023,
  Art. 85): the day the period starts is not counted ("期间开始的时和日，不计算在期间内"), and when
  the last day is a statutory rest day the period ends on the first day after it
  ("期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期"). "Rest day" here is
  read as any day the calendar says is not a working day: ordinary weekends count as rest days,
  make-up working days do not (the Supreme People's Court's reading of the same rule, 民通意见
  第198条, "星期日或者其他法定休假日有变通的，以实际休假日的次日为期间的最后一天"). The APL itself
  has no periods article; applying the CPL convention to its calendar-day periods is the common
  practice (SAMR's procedure rules carry the same sentence) — tagged [R] in the report.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import chinese_calendar

from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.clock import legal_date
from zhifa.core.errors import UserError

ONE_DAY = dt.timedelta(days=1)


@dataclass
class CalendarYearUnknown(UserError):
    """A day in a year whose holiday arrangement nobody has recorded."""

    year: int = 0


def package_years() -> range:
    """The years the installed `chinese_calendar` knows (the holiday notices it ships)."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


class WorkingCalendar:
    """Working days = `chinese_calendar` + an override table.

    `overrides` maps a date to whether it is a working day; an entry always wins (a local
    adjustment, or a correction of the package). `complete_years` names the years the override
    table records in full — the State Council notice for a year the package does not know yet;
    in those years a day without an entry is a working day when it is Monday to Friday, exactly
    as the package treats the days its notices do not mention.
    """

    __slots__ = ("_overrides", "_complete_years", "_package_years", "_known")

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None, complete_years: Iterable[int] = ()):
        table = dict(overrides or {})
        for day, working in table.items():
            if type(day) is not dt.date or not isinstance(working, bool):
                raise TypeError(f"override table entries must be date → bool, got {day!r} → {working!r}")
        self._overrides = MappingProxyType(table)
        self._complete_years = frozenset(complete_years)
        self._package_years = package_years()
        # Each day's answer, remembered: deadlines ask about the same days again and again, and the
        # package's lookup is the slow part. Safe because a calendar never changes once built.
        self._known: dict[dt.date, bool] = {}

    @classmethod
    def with_year(
        cls,
        year: int,
        holidays: Iterable[dt.date],
        makeup_workdays: Iterable[dt.date] = (),
        base: WorkingCalendar | None = None,
    ) -> WorkingCalendar:
        """A calendar that adds one year's notice (its holidays and make-up working days) to `base`."""
        table = dict(base.overrides) if base else {}
        for day in holidays:
            table[_in_year(day, year)] = False
        for day in makeup_workdays:
            table[_in_year(day, year)] = True
        years = (base.complete_years if base else frozenset()) | {year}
        return cls(table, years)

    @property
    def overrides(self) -> Mapping[dt.date, bool]:
        return self._overrides

    @property
    def complete_years(self) -> frozenset[int]:
        return self._complete_years

    def covers(self, year: int) -> bool:
        return year in self._complete_years or year in self._package_years

    def is_working_day(self, day: dt.date | dt.datetime) -> bool:
        day = _as_date(day)
        found = self._known.get(day)
        if found is None:
            found = self._known[day] = self._look_up(day)
        return found

    def _look_up(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if day.year in self._complete_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise self.unknown_year(day.year) from None

    def next_working_day(self, day: dt.date | dt.datetime) -> dt.date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        day = _as_date(day)
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> dt.date:
        """The n-th working day after `start` (APL Art. 85; `start` itself is not counted).

        A negative n counts backwards: the |n|-th working day before `start`, which is the last
        day an act may happen so that n working days still separate it from `start` (APL Art. 64
        item 2: notify the hearing "七日前"). n = 0 returns `start` unchanged.
        """
        day = _as_date(start)
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: dt.date | dt.datetime, n: int, *, roll_forward: bool = True) -> dt.date:
        """`start` + n days (start day not counted); a last day that is not a working day moves to
        the next working day (Civil Procedure Law 2023 Art. 85) unless `roll_forward` is False."""
        if n < 0:
            raise ValueError("calendar-day periods run forward; n must not be negative")
        day = _as_date(start) + dt.timedelta(days=n)
        return self.next_working_day(day) if roll_forward else day

    def working_days_between(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
        """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
        day, end = _as_date(start), _as_date(end)
        count = 0
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def unknown_year(self, year: int) -> CalendarYearUnknown:
        """The error for a year whose holiday notice neither the package nor an override covers."""
        known = self._package_years
        extra = f"，覆盖表已录入 {'、'.join(map(str, sorted(self._complete_years)))} 年" if self._complete_years else ""
        message = (
            f"{year} 年的法定节假日和调休安排尚未录入：节假日日历只覆盖 {known.start}–{known.stop - 1} 年{extra}。"
            f"请在工作日覆盖表中录入国务院办公厅公布的 {year} 年部分节假日安排后再计算期限"
        )
        return CalendarYearUnknown(CaseErrorCode.CALENDAR_YEAR_UNKNOWN, message, None, year)

    def __repr__(self) -> str:
        return f"WorkingCalendar(overrides={len(self._overrides)}, complete_years={sorted(self._complete_years)})"


def _as_date(day: dt.date | dt.datetime) -> dt.date:
    if isinstance(day, dt.datetime):
        if day.tzinfo is None:
            raise ValueError("a moment must be timezone-aware to tell its legal day (Asia/Shanghai)")
        return legal_date(day)
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later (the Civil Procedure Law's year periods); 29 February → 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _in_year(day: dt.date, year: int) -> dt.date:
    if day.year != year:
        raise ValueError(f"{day} is not in {year}")
    return day


DEFAULT_CALENDAR = WorkingCalendar()


def is_working_day(day: dt.date | dt.datetime, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or DEFAULT_CALENDAR).is_working_day(day)


def add_working_days(start: dt.date | dt.datetime, n: int, calendar: WorkingCalendar | None = None) -> dt.date:
    return (calendar or DEFAULT_CALENDAR).add_working_days(start, n)


def add_calendar_days(
    start: dt.date | dt.datetime, n: int, calendar: WorkingCalendar | None = None, *, roll_forward: bool = True
) -> dt.date:
    return (calendar or DEFAULT_CALENDAR).add_calendar_days(start, n, roll_forward=roll_forward)


def next_working_day(day: dt.date | dt.datetime, calendar: WorkingCalendar | None = None) -> dt.date:
    return (calendar or DEFAULT_CALENDAR).next_working_day(day)


def working_days_between(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime, calendar: WorkingCalendar | None = None
) -> int:
    return (calendar or DEFAULT_CALENDAR).working_days_between(start, end)


def load_calendar(path: Path) -> WorkingCalendar:
    """The deployment's calendar: the package's years plus the notices recorded in a TOML file.

    ```toml
    [[year]]
    year = 2027
    holidays = [2027-01-01, 2027-02-06]      # 放假的日子
    makeup_workdays = [2027-02-14]           # 调休上班的周末
    ```
    A missing file adds nothing. Each listed year counts as fully recorded.
    """
    if not path.exists():
        return DEFAULT_CALENDAR
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} 不是有效的 TOML：{exc}") from None
    calendar = DEFAULT_CALENDAR
    for i, entry in enumerate(document.get("year", [])):
        try:
            calendar = WorkingCalendar.with_year(
                int(entry["year"]), entry.get("holidays", []), entry.get("makeup_workdays", []), base=calendar
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: year[{i}] 无效：{exc}") from None
    return calendar
