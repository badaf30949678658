"""Working days in Finland (shared.workdays): weekends, public holidays, DST, partial days."""

import datetime as dt

import pytest

from shared.workdays import (
    HELSINKI,
    easter_sunday,
    finnish_holidays,
    is_working_day,
    working_days_between,
    working_time_between,
)


def local(*args):
    """An aware Helsinki datetime."""
    return dt.datetime(*args, tzinfo=HELSINKI)


@pytest.mark.parametrize("year, day", [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)),
                                       (2026, dt.date(2026, 4, 5)), (2027, dt.date(2027, 3, 28))])
def test_easter(year, day):
    assert easter_sunday(year) == day


def test_the_holidays_of_2026():
    holidays = finnish_holidays(2026)
    expected = {dt.date(2026, 1, 1), dt.date(2026, 1, 6), dt.date(2026, 4, 3), dt.date(2026, 4, 5),
                dt.date(2026, 4, 6), dt.date(2026, 5, 1), dt.date(2026, 5, 14), dt.date(2026, 5, 24),
                dt.date(2026, 6, 19), dt.date(2026, 6, 20), dt.date(2026, 10, 31),
                dt.date(2026, 12, 6), dt.date(2026, 12, 24), dt.date(2026, 12, 25),
                dt.date(2026, 12, 26)}
    assert holidays == expected


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(dt.date(2026, 11, 20))  # Friday
    assert not is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not is_working_day(dt.date(2026, 11, 22))  # Sunday
    assert not is_working_day(dt.date(2026, 12, 24))  # Christmas Eve, a Thursday
    assert not is_working_day(dt.date(2026, 4, 6))  # Easter Monday


def test_a_weekend_does_not_count():
    friday_afternoon = local(2026, 11, 20, 15, 0)
    assert working_days_between(friday_afternoon, local(2026, 11, 23, 15, 0)) == pytest.approx(
        (9 + 15) / 24)  # the rest of Friday and Monday until 15:00
    assert working_days_between(friday_afternoon, local(2026, 11, 25, 16, 0)) > 2


def test_whole_working_days_in_a_week():
    assert working_days_between(local(2026, 11, 16), local(2026, 11, 23)) == 5


def test_christmas_week_counts_only_its_working_days():
    # Mon 21 – Sun 27 Dec 2026: Mon, Tue, Wed are working days; Thu–Sat are holidays
    assert working_days_between(local(2026, 12, 21), local(2026, 12, 28)) == 3


def test_daylight_saving_change_day_is_23_hours():
    # 29 March 2026 is a Sunday (not counted); 25 Oct 2026 too. Use Monday 30 March: 24 h.
    assert working_time_between(local(2026, 3, 30), local(2026, 3, 31)) == dt.timedelta(hours=24)
    assert working_time_between(local(2026, 3, 28), local(2026, 3, 30)) == dt.timedelta()


def test_utc_and_naive_inputs_and_reversed_ranges():
    start = dt.datetime(2026, 11, 16, 22, 0, tzinfo=dt.UTC)  # Tue 00:00 in Helsinki
    assert working_days_between(start, start + dt.timedelta(days=1)) == 1
    assert working_days_between(start.replace(tzinfo=None), start + dt.timedelta(days=1)) == 1
    assert working_days_between(start + dt.timedelta(days=1), start) == 0
