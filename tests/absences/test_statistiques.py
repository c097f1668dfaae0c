"""Statistiques: the figures per division and per motif, the absentéisme à signaler, the filters, the
CSV export, and the établissement's own data only."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absences.models import Evenement, EvenementType, Justificatif, Motif, ValeursParDefaut
from absences.statistiques import default_period
from tests import factories

QUERIES = 16  # the session (read and saved), the user, the établissement; the page's own ten reads

URL = reverse("statistiques")
MONDAY = date(2025, 3, 10)  # March 2025: 21 weekdays, 4 of them Wednesdays: 38 demi-journées ouvrées
MARCH = {"du": "2025-03-01", "au": "2025-03-31"}


def at(day: date, hour: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hour), timezone.get_current_timezone())


def motif(etablissement, libelle: str) -> Motif:
    return Motif.objects.get(etablissement=etablissement, libelle=libelle)


def certificat(etablissement) -> Justificatif:
    return Justificatif.objects.get(etablissement=etablissement, libelle="Certificat médical")


def absence(eleve, day: date, debut: str, fin: str, *, until: date | None = None, **values) -> Evenement:
    return factories.EvenementFactory(eleve=eleve, debut=at(day, debut), fin=at(until or day, fin), **values)


def retard(eleve, day: date, **values) -> Evenement:
    return absence(eleve, day, "08:30", "08:45", type=EvenementType.RETARD, **values)


def table(response, title: str) -> dict[str, list]:
    """A table of the page by its first column: {"5B": [3, 2, ...], "Total": [...]}."""
    found = next(t for t in response.context["tables"] if t.title == title)
    return {row[0]: row[1:] for row in (*found.rows, found.total)}


def headers(response, title: str) -> list[str]:
    return next(t for t in response.context["tables"] if t.title == title).headers


# ----------------------------------------------------------------------------------------------------
# The figures


def test_a_demi_journee_counts_once_per_pupil_and_is_justified_when_one_of_its_events_is(
    vie_scolaire_client, etablissement, school
):
    reiter = school["reiter"]
    # Monday morning: two absences overlapping, one justified; Monday afternoon: not justified.
    absence(reiter, MONDAY, "08:30", "10:20", motif=motif(etablissement, "Maladie"))
    absence(reiter, MONDAY, "09:25", "12:30", justificatif=certificat(etablissement))
    absence(reiter, MONDAY, "14:00", "14:55")

    response = vie_scolaire_client.get(URL, MARCH)

    assert headers(response, "Par division") == [
        "Division",
        "Effectif",
        "Absences",
        "Demi-journées d'absence",
        "dont justifiées",
        "dont non justifiées",
        "Retards",
        "Taux d'absentéisme (%)",
    ]
    # 2 demi-journées over 3 pupils × 38 demi-journées ouvrées: 1.75 %.
    assert table(response, "Par division")["5B"] == [3, 3, 2, 1, 1, 0, Decimal("1.75")]


def test_an_event_over_several_days_counts_its_demi_journees_within_the_period(
    vie_scolaire_client, etablissement, school
):
    # From Friday 28 February 14:00 to Wednesday 5 March 18:00: in March, Mon and Tue (4) and Wed morning.
    absence(school["durand"], date(2025, 2, 28), "14:00", "18:00", until=date(2025, 3, 5))

    march = vie_scolaire_client.get(URL, MARCH)
    february_only = vie_scolaire_client.get(URL, {"du": "2025-02-01", "au": "2025-02-28"})

    assert table(march, "Par division")["5C"][:5] == [1, 1, 5, 0, 5]
    assert table(february_only, "Par division")["5C"][:5] == [1, 1, 1, 0, 1]


def test_the_tables_count_retards_apart_and_give_a_total(vie_scolaire_client, etablissement, school):
    maladie = motif(etablissement, "Maladie")
    absence(school["reiter"], MONDAY, "08:30", "18:00", motif=maladie, justificatif=certificat(etablissement))
    absence(school["martin"], MONDAY, "08:30", "09:25")
    absence(school["durand"], MONDAY + timedelta(1), "14:00", "15:50", motif=maladie)
    retard(school["petit"], MONDAY, motif=motif(etablissement, "Problème de transport"))
    retard(school["petit"], MONDAY + timedelta(1))

    response = vie_scolaire_client.get(URL, MARCH)

    divisions = table(response, "Par division")
    assert divisions["5B"] == [3, 2, 3, 2, 1, 2, Decimal("2.63")]
    assert divisions["5C"] == [1, 1, 1, 0, 1, 0, Decimal("2.63")]
    assert divisions["Total"] == [4, 3, 4, 2, 2, 2, Decimal("2.63")]
    assert table(response, "Par motif") == {
        "Maladie": [2, 3, 0],
        "Problème de transport": [0, 0, 1],
        "Sans motif (non saisi)": [1, 1, 1],
        "Total": [3, 4, 2],
    }


def test_the_type_filter_shows_the_absences_or_the_retards_only(vie_scolaire_client, etablissement, school):
    absence(school["martin"], MONDAY, "08:30", "09:25", motif=motif(etablissement, "Maladie"))
    retard(school["petit"], MONDAY, motif=motif(etablissement, "Problème de transport"))

    absences = vie_scolaire_client.get(URL, {**MARCH, "type": "absences"})
    retards = vie_scolaire_client.get(URL, {**MARCH, "type": "retards"})

    assert "Retards" not in headers(absences, "Par division")
    assert table(absences, "Par motif") == {"Maladie": [1, 1], "Total": [1, 1]}
    assert headers(retards, "Par division") == ["Division", "Effectif", "Retards"]
    assert table(retards, "Par motif") == {"Problème de transport": [1], "Total": [1]}
    assert "Absentéisme à signaler" in absences.content.decode()
    assert "Absentéisme à signaler" not in retards.content.decode()


def test_four_unjustified_demi_journees_in_a_month_are_to_be_reported(
    vie_scolaire_client, etablissement, school
):
    # REITER: 4 unjustified demi-journées in March (Monday and Tuesday all day): reported.
    absence(school["reiter"], MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))
    # MARTIN: 4 demi-journées, one of them justified: 3 unjustified, not reported.
    absence(school["martin"], MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))
    absence(school["martin"], MONDAY, "08:30", "09:25", justificatif=certificat(etablissement))
    # PETIT: 2 in February and 2 in March, from Friday 28 February to Monday 3 March: no month reaches 4.
    absence(school["petit"], date(2025, 2, 28), "08:30", "12:00", until=date(2025, 3, 3))
    absence(school["petit"], date(2025, 3, 3), "14:00", "18:00")
    # DURAND: 4 in February, 5 in March (Wednesday afternoons are none).
    absence(school["durand"], date(2025, 2, 3), "08:30", "18:00", until=date(2025, 2, 4))
    absence(school["durand"], date(2025, 3, 17), "08:30", "18:00", until=date(2025, 3, 19))

    response = vie_scolaire_client.get(URL, {"du": "2025-02-01", "au": "2025-03-31"})

    rows = [(s.nom, s.prenom, s.division, s.month, s.demi_journees) for s in response.context["page_obj"]]
    assert rows == [
        ("DURAND", "Tom", "5C", date(2025, 2, 1), 4),
        ("DURAND", "Tom", "5C", date(2025, 3, 1), 5),
        ("REITER", "Pauline", "5B", date(2025, 3, 1), 4),
    ]
    html = response.content.decode()
    assert f'<a href="{reverse("saisie_eleve", args=[school["reiter"].pk])}">REITER</a>' in html
    assert "février 2025" in html


def test_the_absenteisme_a_signaler_is_paginated(vie_scolaire_client, etablissement, school):
    division = school["5B"]
    for n in range(55):
        eleve = factories.EleveFactory(etablissement=etablissement, division=division, nom=f"ABSENT{n:02d}")
        absence(eleve, MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))

    first = vie_scolaire_client.get(URL, MARCH)
    second = vie_scolaire_client.get(URL, {**MARCH, "page": 2})

    assert len(first.context["page_obj"]) == 50
    assert [s.nom for s in second.context["page_obj"]] == [f"ABSENT{n:02d}" for n in range(50, 55)]
    assert "Enregistrement(s) 51 à 55, sur 55 trouvé(s)" in second.content.decode()
    assert "du=2025-03-01" in first.content.decode().split('aria-label="Pages"')[1]


def test_the_division_filter_keeps_one_division(vie_scolaire_client, etablissement, school):
    absence(school["reiter"], MONDAY, "08:30", "09:25")
    absence(school["durand"], MONDAY, "08:30", "09:25", motif=motif(etablissement, "Maladie"))

    response = vie_scolaire_client.get(URL, {**MARCH, "division": school["5C"].pk})

    assert set(table(response, "Par division")) == {"5C", "Total"}
    assert table(response, "Par motif") == {"Maladie": [1, 1, 0], "Total": [1, 1, 0]}


def test_pupils_without_a_division_have_their_own_line(vie_scolaire_client, etablissement, school):
    sans_division = factories.EleveFactory(etablissement=etablissement, division=None)
    absence(sans_division, MONDAY, "08:30", "09:25")

    response = vie_scolaire_client.get(URL, MARCH)

    assert table(response, "Par division")["Sans division"][:2] == [1, 1]


def test_a_pupil_who_left_before_the_period_is_not_in_the_effectif(
    vie_scolaire_client, etablissement, school
):
    school["petit"].date_sortie = date(2025, 2, 1)
    school["petit"].save()

    response = vie_scolaire_client.get(URL, MARCH)

    assert table(response, "Par division")["5B"][0] == 2


# ----------------------------------------------------------------------------------------------------
# Another school's data


def test_another_schools_events_and_pupils_are_never_counted(
    vie_scolaire_client, etablissement, other_etablissement, school
):
    from absences.services import parametrages_ensure

    parametrages_ensure(etablissement=other_etablissement)
    lycee_division = factories.DivisionFactory(etablissement=other_etablissement, code="5B")
    for _ in range(3):
        lycee_eleve = factories.EleveFactory(etablissement=other_etablissement, division=lycee_division)
        absence(lycee_eleve, MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))
        retard(lycee_eleve, MONDAY + timedelta(3))
    absence(school["reiter"], MONDAY, "08:30", "09:25")

    response = vie_scolaire_client.get(URL, MARCH)
    foreign_division = vie_scolaire_client.get(URL, {**MARCH, "division": lycee_division.pk})

    assert table(response, "Par division")["Total"][:6] == [4, 1, 1, 0, 1, 0]
    assert table(response, "Par motif")["Total"] == [1, 1, 0]
    assert list(response.context["page_obj"]) == []
    assert "stats" not in foreign_division.context
    assert "Sélectionnez un choix valide" in foreign_division.content.decode()


# ----------------------------------------------------------------------------------------------------
# The filters


def test_the_page_opens_on_the_school_year_up_to_today_with_every_division(vie_scolaire_client, parametrages):
    response = vie_scolaire_client.get(URL)

    stats = response.context["stats"]
    assert (stats.du, stats.au) == (parametrages.annee_debut, timezone.localdate())
    html = response.content.decode()
    assert f'value="{parametrages.annee_debut.isoformat()}"' in html
    assert "Aucun évènement sur la période." in html


def test_the_default_period_stays_within_the_school_year():
    year = {"annee_debut": date(2024, 9, 2), "annee_fin": date(2025, 7, 5)}

    assert default_period(**year, today=date(2025, 3, 10)) == (date(2024, 9, 2), date(2025, 3, 10))
    assert default_period(**year, today=date(2025, 8, 20)) == (date(2024, 9, 2), date(2025, 7, 5))
    assert default_period(**year, today=date(2024, 8, 25)) == (date(2024, 9, 2), date(2025, 7, 5))


def test_the_valeurs_par_defaut_give_the_default_period(vie_scolaire_client, etablissement, parametrages):
    ValeursParDefaut.objects.filter(etablissement=etablissement).update(
        annee_debut=date(2020, 9, 1), annee_fin=date(2021, 7, 3)
    )

    stats = vie_scolaire_client.get(URL).context["stats"]

    assert (stats.du, stats.au) == (date(2020, 9, 1), date(2021, 7, 3))


# A period the Statistiques and the Documents refuse, and what they say.
WRONG_PERIODS = [
    (
        {"du": "2025-03-31", "au": "2025-03-01"},
        "Au : La date « Au » ne peut pas précéder la date « Du ».",
    ),
    (
        {"du": "1899-12-31", "au": "2025-03-01"},
        "Du : Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999.",
    ),
    (
        {"du": "2025-03-01", "au": "3000-01-01"},
        "Au : Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999.",
    ),
    ({"du": "31/02/2025", "au": "2025-03-01"}, "Du : Saisissez une date valide"),
    ({"du": "", "au": "2025-03-01"}, "Du : Indiquez une date."),
]


@pytest.mark.parametrize(
    ("query", "message"),
    [*WRONG_PERIODS, ({**MARCH, "type": "sorties"}, "Type : Sélectionnez un choix valide")],
)
def test_a_wrong_filter_says_why_in_french_and_keeps_what_was_typed(
    vie_scolaire_client, parametrages, query, message
):
    response = vie_scolaire_client.get(URL, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "stats" not in response.context
    assert f'value="{query["au"]}"' in html


def test_the_filters_are_in_the_address_so_the_page_can_be_bookmarked(vie_scolaire_client, school):
    html = vie_scolaire_client.get(
        URL, {**MARCH, "division": school["5B"].pk, "type": "retards"}
    ).content.decode()

    assert '<form method="get"' in html
    assert f'<option value="{school["5B"].pk}" selected>5B</option>' in html
    assert '<option value="retards" selected>Retards</option>' in html


def test_the_personne_habilitee_reads_the_statistiques_and_a_visitor_must_log_in(
    client, habilitee_user, school
):
    anonymous = client.get(URL, MARCH)
    client.force_login(habilitee_user)

    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert client.get(URL, MARCH).status_code == 200


def test_the_menu_leads_to_the_statistiques(vie_scolaire_client, parametrages):
    html = vie_scolaire_client.get(reverse("home")).content.decode()

    assert f'<a href="{URL}">Statistiques</a>' in html


# ----------------------------------------------------------------------------------------------------
# The CSV export


def test_the_csv_export_has_both_tables_for_a_french_spreadsheet(vie_scolaire_client, etablissement, school):
    Motif.objects.create(etablissement=etablissement, libelle="=cmd|' /C calc'!A0")
    absence(school["reiter"], MONDAY, "08:30", "18:00", motif=motif(etablissement, "Maladie"))
    absence(school["durand"], MONDAY, "08:30", "09:25", motif=motif(etablissement, "=cmd|' /C calc'!A0"))
    retard(school["martin"], MONDAY)

    response = vie_scolaire_client.get(URL, {**MARCH, "format": "csv", "page": "2"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="statistiques-absences-2025-03-01-au-2025-03-31.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Statistiques des absences;du 01/03/2025 au 31/03/2025",
        "Division;Toutes",
        "Type;Absences et retards",
        "Demi-journées ouvrées;38",
        "",
        "Par division",
        "Division;Effectif;Absences;Demi-journées d'absence;dont justifiées;dont non justifiées;Retards;"
        "Taux d'absentéisme (%)",
        "5B;3;1;2;0;2;1;1,75",
        "5C;1;1;1;0;1;0;2,63",
        "Total;4;2;3;0;3;1;1,97",
        "",
        "Par motif",
        "Motif;Absences;Demi-journées d'absence;Retards",
        "'=cmd|' /C calc'!A0;1;1;0",
        "Maladie;1;2;0",
        "Sans motif (non saisi);0;0;1",
        "Total;2;3;1",
        "",
        "Absentéisme à signaler",
        "Nom;Prénom;Division;Mois;Demi-journées non justifiées",
    ]


def test_the_csv_export_lists_every_pupil_to_report(vie_scolaire_client, etablissement, school):
    """The export left out the « Absentéisme à signaler » the page shows, the list sent to the DASEN."""
    for n in range(55):
        eleve = factories.EleveFactory(
            etablissement=etablissement, division=school["5B"], nom=f"ABSENT{n:02d}"
        )
        absence(eleve, MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))

    lines = vie_scolaire_client.get(URL, {**MARCH, "format": "csv"}).content.decode("utf-8-sig").splitlines()
    retards = vie_scolaire_client.get(URL, {**MARCH, "type": "retards", "format": "csv"}).content.decode()

    reported = lines[lines.index("Nom;Prénom;Division;Mois;Demi-journées non justifiées") + 1 :]
    assert len(reported) == 55
    assert reported[0].startswith("ABSENT00;")
    assert reported[0].endswith(";5B;mars 2025;4")
    assert "Absentéisme à signaler" not in retards


def test_a_wrong_filter_exports_nothing_but_says_why(vie_scolaire_client, parametrages):
    response = vie_scolaire_client.get(URL, {"du": "2025-03-31", "au": "2025-03-01", "format": "csv"})

    assert response["Content-Type"].startswith("text/html")
    assert "ne peut pas précéder" in response.content.decode()


# ----------------------------------------------------------------------------------------------------
# Speed


def _many_events(etablissement, divisions, *, pupils: int, per_pupil: int) -> None:
    """``per_pupil`` absences and retards over March for each of ``pupils`` pupils, some over several days."""
    rng = random.Random(pupils)
    motifs = list(Motif.objects.filter(etablissement=etablissement)) + [None]
    justificatif = certificat(etablissement)
    events = []
    for n in range(pupils):
        eleve = factories.EleveFactory(etablissement=etablissement, division=divisions[n % len(divisions)])
        for _ in range(per_pupil):
            day = MONDAY + timedelta(rng.randrange(-12, 20))
            hour = rng.choice(["08:30", "10:40", "14:00", "16:10"])
            events.append(
                Evenement(
                    etablissement=etablissement,
                    eleve=eleve,
                    type=rng.choice([EvenementType.ABSENCE] * 4 + [EvenementType.RETARD]),
                    debut=at(day, hour),
                    fin=at(day + timedelta(rng.choice([0] * 9 + [3])), "18:00"),
                    motif=rng.choice(motifs),
                    justificatif=rng.choice([justificatif, None, None]),
                )
            )
    Evenement.objects.bulk_create(events)


@pytest.mark.parametrize(("pupils", "per_pupil"), [(2, 2), (150, 20)])
def test_the_page_and_the_export_run_a_constant_number_of_queries(
    vie_scolaire_client, etablissement, school, django_assert_max_num_queries, pupils, per_pupil
):
    _many_events(etablissement, [school["5B"], school["5C"]], pupils=pupils, per_pupil=per_pupil)
    absence(school["reiter"], MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))  # to report

    with django_assert_max_num_queries(QUERIES):
        page = vie_scolaire_client.get(URL, {**MARCH, "division": school["5B"].pk})
    with django_assert_max_num_queries(QUERIES):
        export = vie_scolaire_client.get(URL, {**MARCH, "format": "csv"})

    assert page.context["page_obj"].paginator.count > 0
    assert export.status_code == 200
    assert Evenement.objects.count() >= pupils * per_pupil


def test_thousands_of_events_are_read_in_one_query(
    vie_scolaire_client, etablissement, school, django_assert_max_num_queries
):
    _many_events(etablissement, [school["5B"], school["5C"]], pupils=150, per_pupil=20)

    with CaptureQueriesContext(connection) as queries:
        vie_scolaire_client.get(URL, MARCH)

    assert Evenement.objects.count() == 3000
    assert len([q for q in queries if 'FROM "absences_evenement"' in q["sql"]]) == 1
