"""Demi-journées: what the Statistiques count, without the database."""

from datetime import date, datetime, time, timedelta

import pytest

from absences.defaults import HORAIRES
from absences.demi_journees import APRES_MIDI, MATIN, HalfDayHours, half_days_covered, working_half_days

# The default Horaires' lesson slots: the morning 08:30–12:30, the afternoon 14:00–18:00.
HOURS = HalfDayHours.from_slots((debut, fin) for _, kind, debut, fin in HORAIRES if kind == "cours")
MONDAY = date(2025, 3, 10)
WEDNESDAY, FRIDAY, SATURDAY = MONDAY + timedelta(2), MONDAY + timedelta(4), MONDAY + timedelta(5)


def at(day: date, hour: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hour))


def covered(debut, fin, *, du=date(2025, 1, 1), au=date(2025, 12, 31), hours=HOURS):
    return list(half_days_covered(debut, fin, du=du, au=au, hours=hours))


def test_the_default_horaires_give_a_morning_and_an_afternoon_from_their_lesson_slots():
    assert HOURS.spans == ((time(8, 30), time(12, 30)), (time(14, 0), time(18, 0)))
    assert (HOURS.matin, HOURS.apres_midi) == ("08:30–12:30", "14:00–18:00")


def test_without_lesson_slots_the_morning_is_before_noon_and_the_afternoon_from_noon():
    hours = HalfDayHours.from_slots([])

    assert (hours.matin, hours.apres_midi) == ("avant 12:00", "à partir de 12:00")
    assert covered(at(MONDAY, "11:00"), at(MONDAY, "12:30"), hours=hours) == [
        (MONDAY, MATIN),
        (MONDAY, APRES_MIDI),
    ]


@pytest.mark.parametrize(
    ("debut", "fin", "halves"),
    [
        ("08:30", "09:25", [MATIN]),
        ("11:35", "12:30", [MATIN]),  # the last morning slot runs past noon: still the morning
        ("12:30", "14:00", []),  # the demi-pension is no lesson
        ("14:55", "15:50", [APRES_MIDI]),
        ("08:30", "18:00", [MATIN, APRES_MIDI]),
        ("18:00", "23:59", []),  # internat
    ],
)
def test_an_event_covers_the_halves_of_the_day_it_overlaps(debut, fin, halves):
    assert covered(at(MONDAY, debut), at(MONDAY, fin)) == [(MONDAY, half) for half in halves]


def test_wednesday_afternoon_and_the_week_end_are_no_demi_journees():
    assert covered(at(WEDNESDAY, "08:30"), at(WEDNESDAY, "18:00")) == [(WEDNESDAY, MATIN)]
    assert covered(at(SATURDAY, "08:30"), at(SATURDAY, "12:30")) == []


def test_an_event_over_several_days_counts_each_demi_journee_it_covers():
    # From Friday afternoon to Monday morning, over the week-end.
    found = covered(at(FRIDAY, "14:00"), at(MONDAY + timedelta(7), "12:30"))

    assert found == [(FRIDAY, APRES_MIDI), (MONDAY + timedelta(7), MATIN)]


def test_an_event_is_clipped_to_the_period():
    found = covered(at(MONDAY, "08:30"), at(FRIDAY, "18:00"), du=MONDAY + timedelta(1), au=WEDNESDAY)

    assert found == [
        (MONDAY + timedelta(1), MATIN),
        (MONDAY + timedelta(1), APRES_MIDI),
        (WEDNESDAY, MATIN),
    ]


def test_a_week_has_nine_demi_journees_ouvrees():
    assert working_half_days(MONDAY, MONDAY + timedelta(6)) == 9
    assert working_half_days(WEDNESDAY, WEDNESDAY) == 1
    assert working_half_days(SATURDAY, SATURDAY + timedelta(1)) == 0
    assert working_half_days(FRIDAY, MONDAY) == 0  # an inverted range has none


@pytest.mark.parametrize("days", [1, 5, 13, 30, 366])
@pytest.mark.parametrize("start", [MONDAY, WEDNESDAY, SATURDAY])
def test_the_count_of_demi_journees_ouvrees_is_that_of_a_whole_working_day_event(start, days):
    au = start + timedelta(days - 1)

    every_day = covered(at(start, "00:00"), at(au, "23:59"), du=start, au=au)

    assert working_half_days(start, au) == len(every_day)
