"""Demi-journées: absenteeism is counted in half-days, the morning and the afternoon.

A working week has nine demi-journées ouvrées: Monday to Friday, morning and afternoon, but for the
Wednesday afternoon (school holidays and bank holidays are not taken out). The morning runs from the first
lesson slot of the Horaires starting before noon to the end of the last one; the afternoon over the
lesson slots starting from noon. A school without such slots has the morning before 12:00 and the
afternoon from 12:00. An absence covers a demi-journée when it overlaps that stretch of the day.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

NOON = time(12, 0)
MATIN, APRES_MIDI = 0, 1
# The demi-journées ouvrées of each weekday, Monday first: the morning (0), then the afternoon (1).
HALVES_PER_WEEKDAY = (2, 2, 1, 2, 2, 0, 0)
HALVES_PER_WEEK = sum(HALVES_PER_WEEKDAY)


@dataclass(frozen=True)
class HalfDayHours:
    """The stretch of the day that each half covers: ``spans[MATIN]``, ``spans[APRES_MIDI]``."""

    spans: tuple[tuple[time, time], tuple[time, time]]

    @classmethod
    def from_slots(cls, slots: Iterable[tuple[time, time]]) -> "HalfDayHours":
        """From the lesson slots (début, fin) of the Horaires."""
        slots = list(slots)
        morning = [(debut, fin) for debut, fin in slots if debut < NOON]
        afternoon = [(debut, fin) for debut, fin in slots if debut >= NOON]
        return cls(
            (
                _span(morning) if morning else (time.min, NOON),
                _span(afternoon) if afternoon else (NOON, time.max),
            )
        )

    @property
    def matin(self) -> str:
        return _label(*self.spans[MATIN])

    @property
    def apres_midi(self) -> str:
        return _label(*self.spans[APRES_MIDI])


def _label(debut: time, fin: time) -> str:
    """08:30–12:30, « avant 12:00 » or « à partir de 12:00 »."""
    if debut == time.min:
        return f"avant {fin:%H:%M}"
    return f"à partir de {debut:%H:%M}" if fin == time.max else f"{debut:%H:%M}–{fin:%H:%M}"


def _span(slots: list[tuple[time, time]]) -> tuple[time, time]:
    return min(debut for debut, _ in slots), max(fin for _, fin in slots)


def working_half_days(du: date, au: date) -> int:
    """The demi-journées ouvrées from ``du`` to ``au``, both included."""
    if au < du:
        return 0
    weeks, rest = divmod((au - du).days + 1, 7)
    return weeks * HALVES_PER_WEEK + sum(HALVES_PER_WEEKDAY[(du.weekday() + i) % 7] for i in range(rest))


def half_days_covered(
    debut: datetime, fin: datetime, *, du: date, au: date, hours: HalfDayHours
) -> Iterator[tuple[date, int]]:
    """The demi-journées ouvrées (day, half) that an event from ``debut`` to ``fin`` (naive local times)
    covers, from ``du`` to ``au`` only: every day it spans, every half of that day it overlaps."""
    day, last = max(debut.date(), du), min(fin.date(), au)
    while day <= last:
        for half in range(HALVES_PER_WEEKDAY[day.weekday()]):
            start, end = hours.spans[half]
            if debut < datetime.combine(day, end) and fin > datetime.combine(day, start):
                yield day, half
        day += timedelta(days=1)
