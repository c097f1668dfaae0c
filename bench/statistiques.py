"""The Statistiques page over a school year of 1,000 pupils × 20 events (absences, some over several
days, and retards); prints the time of the page, of its CSV export and of the counting alone, and the
SQL queries they run.

Runs on a throw-away test database (DATABASE_URL's server, or SQLite): ``python bench/statistiques.py``.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sconet.settings")
os.environ.setdefault("DEBUG", "off")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PUPILS = 1000
EVENTS_PER_PUPIL = 20
DIVISIONS = ("6A", "6B", "6C", "6D", "5A", "5B", "5C", "5D", "4A", "4B", "4C", "4D", "3A", "3B", "3C", "3D")
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 7, 4)
SLOTS = (
    (8, 30, 9, 25),
    (9, 25, 10, 20),
    (10, 40, 11, 35),
    (11, 35, 12, 30),
    (14, 0, 14, 55),
    (16, 10, 17, 5),
)
RUNS = 5


def school():
    """A collège of ``PUPILS`` pupils in 16 divisions, each with ``EVENTS_PER_PUPIL`` events."""
    from absences.models import Evenement, EvenementType, Justificatif, Motif
    from absences.services import parametrages_ensure
    from eleves.models import Division, Eleve
    from etablissements.models import Etablissement, Membership
    from etablissements.roles import VIE_SCOLAIRE

    etablissement = Etablissement.objects.create(uai="0699990J", nom="Collège Victor Hugo")
    parametrages_ensure(etablissement=etablissement)
    divisions = Division.objects.bulk_create(
        Division(etablissement=etablissement, code=code) for code in DIVISIONS
    )
    eleves = Eleve.objects.bulk_create(
        Eleve(etablissement=etablissement, nom=f"ELEVE{n}", prenom="Camille", division=divisions[n % 16])
        for n in range(PUPILS)
    )
    motifs = [*Motif.objects.filter(etablissement=etablissement), None]
    justificatifs = [*Justificatif.objects.filter(etablissement=etablissement), None, None]
    rng, tz = random.Random(2025), timezone.get_current_timezone()
    days = [
        YEAR_START + timedelta(n)
        for n in range((YEAR_END - YEAR_START).days)
        if (YEAR_START + timedelta(n)).weekday() < 5
    ]

    def event(eleve):
        day, (h1, m1, h2, m2) = rng.choice(days), rng.choice(SLOTS)
        kind = EvenementType.RETARD if rng.random() < 0.2 else EvenementType.ABSENCE
        last = day + timedelta(rng.choice((0,) * 9 + (2,))) if kind == EvenementType.ABSENCE else day
        return Evenement(
            etablissement=etablissement,
            eleve=eleve,
            type=kind,
            debut=datetime(day.year, day.month, day.day, h1, m1, tzinfo=tz),
            fin=datetime(last.year, last.month, last.day, h2, m2, tzinfo=tz),
            motif=rng.choice(motifs),
            justificatif=rng.choice(justificatifs),
        )

    Evenement.objects.bulk_create(
        (event(e) for e in eleves for _ in range(EVENTS_PER_PUPIL)), batch_size=2000
    )
    user = get_user_model().objects.create_user("viescolaire")
    user.groups.add(Group.objects.get_or_create(name=VIE_SCOLAIRE)[0])
    Membership.objects.create(user=user, etablissement=etablissement)
    return etablissement, user


def timed(label: str, call) -> None:
    """The median of ``RUNS`` calls, and the queries of one."""
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = call()
            times.append(time.perf_counter() - start)
    print(f"{label:<38} {statistics.median(times):6.3f} s  {len(queries):3d} requêtes  {result}")


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from absences.statistiques import statistiques

        etablissement, user = school()
        events = PUPILS * EVENTS_PER_PUPIL
        print(f"{PUPILS} élèves, {events} évènements sur l'année scolaire ({connection.vendor})")
        client = Client()
        client.force_login(user)
        year = {"du": YEAR_START.isoformat(), "au": YEAR_END.isoformat()}

        def page(**query):
            response = client.get("/absences/statistiques/", {**year, **query})
            assert response.status_code == 200, response.status_code
            return f"{len(response.content) // 1024} Ko"

        def counting():
            stats = statistiques(etablissement=etablissement, du=YEAR_START, au=YEAR_END)
            total = stats.divisions_total.counts
            return f"{total.demi_journees} demi-journées, {len(stats.signalements)} signalements"

        timed("page, l'année, toutes les divisions", page)
        division = etablissement.divisions.get(code="5B").pk
        timed("page, l'année, une division", lambda: page(division=division))
        timed("export CSV, l'année", lambda: page(format="csv"))
        timed("comptage seul (sélecteur)", counting)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
