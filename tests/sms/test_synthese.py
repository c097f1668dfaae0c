"""Synthèse SMS by school year (1 September to 31 August, in the school's local time): the selectors,
and the page's "Année scolaire" with its ``?annee=`` parameter."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sms.models import SmsState
from sms.selectors import school_year_of, school_year_start, sms_synthese, sms_synthese_years
from tests.sms.conftest import bulk_sms, page_text

CURRENT = school_year_start(timezone.localdate())


def local(*args) -> datetime:
    """A moment on the school's clock (Europe/Paris)."""
    return timezone.make_aware(datetime(*args))


def total_annuel(synthese) -> tuple[int, int]:
    return synthese.delivered, synthese.total


@pytest.mark.parametrize(
    ("day", "year", "bounds"),
    [
        (date(2025, 8, 31), 2024, (date(2024, 9, 1), date(2025, 8, 31))),
        (date(2025, 9, 1), 2025, (date(2025, 9, 1), date(2026, 8, 31))),
        (date(2026, 1, 1), 2025, (date(2025, 9, 1), date(2026, 8, 31))),
    ],
)
def test_the_school_year_runs_from_1_september_to_31_august(day, year, bounds):
    assert school_year_start(day) == year
    assert school_year_of(day) == bounds


def test_an_sms_of_31_august_late_evening_is_last_year_one_of_1_september_just_after_midnight_this_year(
    etablissement,
):
    # 1 September 00:15 in Paris is still 31 August in UTC: the school's clock decides.
    bulk_sms(etablissement, 1, state=SmsState.DELIVERED, submitted_at=local(2025, 8, 31, 23, 45))
    bulk_sms(etablissement, 2, state=SmsState.SUBMITTED, submitted_at=local(2025, 9, 1, 0, 15))

    older = sms_synthese(etablissement=etablissement, year=2024)
    newer = sms_synthese(etablissement=etablissement, year=2025)

    assert total_annuel(older) == (1, 1)
    assert [(m.month, m.total) for m in older.months] == [(date(2025, 8, 1), 1)]
    assert total_annuel(newer) == (0, 2)
    assert [(m.month, m.total) for m in newer.months] == [(date(2025, 9, 1), 2)]
    assert (newer.start, newer.end) == (date(2025, 9, 1), date(2026, 8, 31))
    assert sms_synthese_years(etablissement=etablissement, current=2026) == [2026, 2025, 2024]


def test_the_years_offered_are_those_with_sms_sent_by_the_school_and_the_current_one(
    etablissement, other_etablissement
):
    bulk_sms(etablissement, 2, state=SmsState.DELIVERED, submitted_at=local(2021, 10, 5, 9))
    bulk_sms(etablissement, 1, state=SmsState.EXPIRED, submitted_at=local(2023, 3, 5, 9))
    bulk_sms(etablissement, 3, state=SmsState.CANCELLED)  # never sent
    bulk_sms(other_etablissement, 1, state=SmsState.DELIVERED, submitted_at=local(2019, 10, 5, 9))

    assert sms_synthese_years(etablissement=etablissement, current=2025) == [2025, 2022, 2021]
    assert sms_synthese_years(etablissement=etablissement, current=2021) == [2022, 2021]


def test_the_synthese_of_a_year_counts_only_that_year_and_this_school(etablissement, other_etablissement):
    bulk_sms(etablissement, 3, state=SmsState.DELIVERED, submitted_at=local(2023, 11, 20, 10))
    bulk_sms(etablissement, 2, state=SmsState.UNDELIVERED, submitted_at=local(2024, 2, 1, 10))
    bulk_sms(etablissement, 4, state=SmsState.DELIVERED, submitted_at=local(2024, 11, 20, 10))
    bulk_sms(other_etablissement, 5, state=SmsState.DELIVERED, submitted_at=local(2023, 11, 20, 10))

    synthese = sms_synthese(etablissement=etablissement, year=2023)

    assert [(m.month, m.delivered, m.total) for m in synthese.months] == [
        (date(2023, 11, 1), 3, 3),
        (date(2024, 2, 1), 0, 2),
    ]
    assert total_annuel(synthese) == (3, 5)


def _selected(page: str) -> str:
    return page.split(" selected>", 1)[1].split("<", 1)[0]


def test_the_page_shows_the_school_year_asked_for_with_its_totals(vie_scolaire_client, etablissement):
    bulk_sms(etablissement, 3, state=SmsState.DELIVERED, submitted_at=local(CURRENT - 2, 11, 20, 10))
    # June of the next calendar year: the same school year.
    bulk_sms(etablissement, 1, state=SmsState.SUBMITTED, submitted_at=local(CURRENT - 1, 6, 3, 10))
    bulk_sms(etablissement, 7, state=SmsState.DELIVERED)

    page = page_text(vie_scolaire_client.get(reverse("sms_synthese"), {"annee": CURRENT - 2}))

    assert "Année scolaire" in page
    assert [f"{year}-{year + 1}" for year in (CURRENT, CURRENT - 2)] == [
        option.split(">", 1)[1].split("<", 1)[0] for option in page.split("<option ")[1:]
    ]
    assert _selected(page) == f"{CURRENT - 2}-{CURRENT - 1}"
    assert f"Année scolaire du 01/09/{CURRENT - 2} au 31/08/{CURRENT - 1}" in page
    assert f'<td>11/{CURRENT - 2}</td><td class="text-end">3</td><td class="text-end">3</td>' in page
    assert 'Total novembre</td><td class="text-end">3</td><td class="text-end">3</td>' in page
    assert 'Total juin</td><td class="text-end">0</td><td class="text-end">1</td>' in page
    assert 'Total Annuel</td><td class="text-end">3</td><td class="text-end">4</td>' in page


@pytest.mark.parametrize("annee", [None, "", "abc", "2025-2026", "1999", str(CURRENT + 1), "٣"])
def test_a_missing_bad_or_unknown_year_shows_the_current_one(vie_scolaire_client, etablissement, annee):
    bulk_sms(etablissement, 2, state=SmsState.DELIVERED, submitted_at=local(CURRENT - 1, 10, 1, 10))
    bulk_sms(etablissement, 5, state=SmsState.DELIVERED)

    response = vie_scolaire_client.get(reverse("sms_synthese"), {} if annee is None else {"annee": annee})

    page = page_text(response)
    assert response.status_code == 200
    assert _selected(page) == f"{CURRENT}-{CURRENT + 1}"
    assert f"Année scolaire du 01/09/{CURRENT} au 31/08/{CURRENT + 1}" in page
    assert 'Total Annuel</td><td class="text-end">5</td><td class="text-end">5</td>' in page


def test_another_schools_year_is_neither_offered_nor_shown(
    vie_scolaire_client, etablissement, other_etablissement
):
    bulk_sms(other_etablissement, 6, state=SmsState.DELIVERED, submitted_at=local(CURRENT - 1, 10, 1, 10))

    page = page_text(vie_scolaire_client.get(reverse("sms_synthese"), {"annee": CURRENT - 1}))

    assert f"{CURRENT - 1}-{CURRENT}" not in page
    assert _selected(page) == f"{CURRENT}-{CURRENT + 1}"
    assert "Aucun SMS envoyé cette année scolaire" in page


def test_the_page_runs_the_same_queries_for_a_few_or_many_sms_over_several_years(
    vie_scolaire_client, etablissement, django_assert_max_num_queries
):
    url = reverse("sms_synthese")
    bulk_sms(etablissement, 5, state=SmsState.DELIVERED)
    bulk_sms(etablissement, 5, state=SmsState.DELIVERED, submitted_at=local(CURRENT - 1, 12, 1, 10))
    vie_scolaire_client.get(url)  # session and caches warmed
    with django_assert_max_num_queries(12) as few:
        assert vie_scolaire_client.get(url, {"annee": CURRENT - 1}).status_code == 200

    for year in range(CURRENT - 6, CURRENT + 1):
        for month in (9, 12, 3, 6):
            moment = local(year + (month < 9), month, 10, 10)
            bulk_sms(etablissement, 300, state=SmsState.DELIVERED, submitted_at=moment)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = vie_scolaire_client.get(url, {"annee": CURRENT - 1})

    page = page_text(response)
    assert 'Total Annuel</td><td class="text-end">1205</td><td class="text-end">1205</td>' in page
    assert page.count("<option ") == 7
