"""Working days in Finland: weekends and the Finnish public holidays are not working days.

:func:`working_time_between` counts only the time that falls on working days (in the local
calendar of Europe/Helsinki), so "waited more than 2 working days" means the same on a Monday
morning as on a Thursday afternoon: a comment sent on Friday afternoon is not overdue on Monday.
The holidays are the statutory ones and the days Finnish offices are closed (Midsummer Eve,
Christmas Eve); Easter is computed, the moving Saturdays are found in their weeks.
"""

import datetime as dt
import functools
import zoneinfo

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
DAY = dt.timedelta(days=1)


def easter_sunday(year):
    """Easter Sunday of ``year`` (the Gregorian computus, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_between(year, month, first_day, weekday):
    """The date in ``month`` from ``first_day`` on (a week's span) that falls on ``weekday``."""
    start = dt.date(year, month, first_day)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@functools.lru_cache(maxsize=64)
def finnish_holidays(year):
    """The Finnish public holidays (and Midsummer and Christmas Eves) of ``year``, as a set."""
    easter = easter_sunday(year)
    midsummer_eve = _weekday_between(year, 6, 19, 4)  # the Friday of 19–25 June
    fixed = [(1, 1), (1, 6), (5, 1), (12, 6), (12, 24), (12, 25), (12, 26)]
    return frozenset({
        *(dt.date(year, month, day) for month, day in fixed),
        easter - dt.timedelta(days=2), easter, easter + DAY,  # Good Friday, Easter, Easter Monday
        easter + dt.timedelta(days=39), easter + dt.timedelta(days=49),  # Ascension, Whitsun
        midsummer_eve, midsummer_eve + DAY,
        _weekday_between(year, 10, 31, 5),  # All Saints' Day: the Saturday of 31 Oct–6 Nov
    })


def is_working_day(day):
    """Whether ``day`` (a date) is a working day: Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in finnish_holidays(day.year)


def _local(moment, zone):
    """An aware datetime in ``zone``; naive values are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone)


def working_time_between(start, end, zone=HELSINKI):
    """The part of [start, end) that falls on working days in ``zone``, as a timedelta."""
    start, end = _local(start, zone), _local(end, zone)
    total = dt.timedelta()
    day = start.date()
    while start < end:
        next_midnight = dt.datetime.combine(day + DAY, dt.time(), tzinfo=zone)
        stop = min(end, next_midnight)
        if is_working_day(day):
            total += stop.astimezone(dt.UTC) - start.astimezone(dt.UTC)
        start, day = stop, day + DAY
    return total


def working_days_between(start, end, zone=HELSINKI):
    """How many working days (a float, 24 h each) passed from ``start`` to ``end``."""
    return working_time_between(start, end, zone) / DAY
