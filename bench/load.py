"""A school's busy hour on the production stack: 20 staff sessions for a minute against gunicorn, with
a Celery worker and beat on Redis sending to the loopback Pluriware server, over 100,000 absences and
50,000 SMS on PostgreSQL.

Each session logs in through the real login page, then loops over a mix of what the vie scolaire
does all day, posting the real forms as a browser would: SMS à diffuser and the tabs of Suivi des
SMS (pages, sorts, "Mettre à jour"), the detail of an SMS, a pupil found by name and an absence
entered with the action "Envoi de SMS" to a responsable, and "Diffuser les SMS sélectionnés" on the
first page of SMS à diffuser. A request of one school's user for the other school's SMS must answer
404.

Prints requests per second, the median and 99th percentile latency of each page and the errors (an
answer other than 2xx/3xx, or a page showing an error); then waits for the outbox to settle, has
the server report every message délivré, and checks the loopback server's record: every SMS
dispatched during the run received exactly once (by its message id, number and text), none twice,
none lost. Exits 1 when there is an error or the check fails.

Its own database, dropped and re-created: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/sconet_bench, its name must contain "bench"); its own Redis
database: BENCH_REDIS_URL (default redis://127.0.0.1:6379/7). BENCH_SESSIONS and BENCH_SECONDS
change the load (20 sessions, 60 s). Logs of the processes in var/bench-load/.
"""

import os
import random
import re
import resource
import signal
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sconet_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
WORKING_DATABASE_URL = os.environ.get("DATABASE_URL", "")  # the tests' or the developer's: never touched
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
QUEUE = "sconet-bench-load"
LOG_DIR = ROOT / "var" / "bench-load"
PASSWORD = "bench-motdepasse"
SETTLE_TIMEOUT_SECONDS = 300

PUPILS, OTHER_PUPILS = 2_000, 200
ABSENCES_PER_PUPIL = 50  # 100,000 absences
SMS_PER_PUPIL = 25  # 50,000 SMS
# How the seeded SMS stand, per 50 (the rest délivré): most délivré or en transit, some waiting.
SEEDED_STATES = (
    ("queued", 2),
    ("submitted", 10),
    ("invalid", 1),
    ("undelivered", 1),
    ("cancelled", 1),
    ("expired", 1),
)
SEEDED_PROVIDER_IDS = 50_000_000  # far from the loopback server's own ids (from 11188)

NOMS = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
    "DUFOUR",
]
PRENOMS = [
    "Emma",
    "Louise",
    "Jade",
    "Alice",
    "Chloé",
    "Lina",
    "Léa",
    "Rose",
    "Anna",
    "Mila",
    "Inès",
    "Ambre",
    "Julia",
    "Mia",
    "Léna",
    "Manon",
    "Juliette",
    "Lou",
    "Zoé",
    "Camille",
    "Gabriel",
    "Léo",
    "Raphaël",
    "Louis",
    "Arthur",
    "Jules",
    "Adam",
    "Maël",
    "Lucas",
    "Hugo",
    "Noah",
    "Liam",
    "Sacha",
    "Ethan",
    "Paul",
    "Nathan",
    "Tom",
    "Théo",
    "Mohamed",
    "Aaron",
]


# ------------------------------------------------------------------------------------------------
# The database: dropped, re-created, migrated, seeded


def database_recreate() -> None:
    import psycopg2

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    if "bench" not in name or name == urlsplit(WORKING_DATABASE_URL).path.lstrip("/"):
        raise SystemExit(
            f"BENCH_DATABASE_URL must name a database of its own, with « bench » in it: {name!r}"
        )
    connection = psycopg2.connect(url._replace(path="/postgres").geturl())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def _school_days(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5
    ]


@dataclass
class Seeded:
    etablissement: object
    other: object
    pupils: list[tuple[int, str, str]]  # (pk, nom, prenom) of the first school
    other_sms_pk: int
    other_eleve_pk: int
    en_transit_ids: list[str]


def seed() -> Seeded:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from etablissements.models import Etablissement, Membership
    from etablissements.roles import VIE_SCOLAIRE
    from sconet.demo import demo_sms_action_create
    from sms.models import OutboundSms
    from sms.services import provider_settings_update

    college = Etablissement.objects.create(
        uai="0699990J", nom="Collège Victor Hugo", telephone="04 72 00 00 00"
    )
    lycee = Etablissement.objects.create(uai="0699991K", nom="Lycée Jean Moulin", telephone="04 78 00 00 00")
    group = Group.objects.get_or_create(name=VIE_SCOLAIRE)[0]
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"cpe{n:02d}", first_name="Agent", last_name=f"N°{n}", password=make_password(PASSWORD)
        )
        for n in range(1, SESSIONS + 2)
    )
    group.user_set.add(*users)
    Membership.objects.bulk_create(
        Membership(user=user, etablissement=college if n < SESSIONS else lycee)
        for n, user in enumerate(users)
    )
    provider_settings_update(
        etablissement=college,
        user=users[0],
        provider_code="pluriware",
        login="CLE-TEST",
        password="mot-de-passe",
        option1="",
        option2="",
    )
    actions = [demo_sms_action_create(etablissement) for etablissement in (college, lycee)]

    today = timezone.localdate()
    days = _school_days(
        date(today.year if today.month >= 9 else today.year - 1, 9, 1), today - timedelta(days=1)
    )
    pupils = _seed_school(college, PUPILS, phone_prefix="+336", action=actions[0], days=days, polled=True)
    other_pupils = _seed_school(
        lycee, OTHER_PUPILS, phone_prefix="+337", action=actions[1], days=days, polled=False
    )
    en_transit = list(
        OutboundSms.objects.filter(etablissement=college, state="submitted").values_list(
            "provider_id", flat=True
        )
    )
    other_sms = OutboundSms.objects.filter(etablissement=lycee).values_list("pk", flat=True).first()
    return Seeded(college, lycee, pupils, other_sms, other_pupils[0][0], en_transit)


def _seed_school(etablissement, count: int, *, phone_prefix: str, action, days: list[date], polled: bool):
    """Divisions, pupils with two responsables each (légal 1 father, légal 2 mother), their absences
    and the SMS sent about them, in bulk. Without ``polled`` (a school with no provider set), no SMS
    is left en transit."""
    from django.utils import timezone

    from absences.models import Evenement, EvenementAction, Horaire, HoraireKind, Justificatif, Motif
    from eleves.models import Division, Eleve, Lien, Responsable
    from sms.encoding import analyse
    from sms.models import OutboundSms

    rng = random.Random(etablissement.uai)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    divisions = Division.objects.bulk_create(
        Division(etablissement=etablissement, code=f"{level}{letter}", niveau=f"{level}e")
        for level in (6, 5, 4, 3)
        for letter in "ABCDEFGHIJKLMNOPQR"
    )
    eleves = Eleve.objects.bulk_create(
        (
            Eleve(
                etablissement=etablissement,
                siecle_id=str(100000 + i),
                nom=NOMS[i % len(NOMS)],
                prenom=PRENOMS[(i // len(NOMS)) % len(PRENOMS)],
                division=divisions[i % len(divisions)],
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    responsables = Responsable.objects.bulk_create(
        (
            Responsable(
                etablissement=etablissement,
                siecle_id=str(500000 + 2 * i + rank),
                civilite="M." if rank == 0 else "MME",
                nom=eleve.nom,
                prenom=rng.choice(PRENOMS),
                # Légal 1 can receive SMS but for one pupil in ten (no consent) or in 37 (no
                # mobile), where légal 2 can; légal 2 also can for one pupil in three.
                tel_mobile=f"{phone_prefix}{10000000 + 2 * i + rank:08d}" if i % 37 or rank else "",
                accepte_sms=(i % 10 != 0) if rank == 0 else (i % 10 == 0 or i % 37 == 0 or i % 3 == 0),
            )
            for i, eleve in enumerate(eleves)
            for rank in (0, 1)
        ),
        batch_size=2000,
    )
    Lien.objects.bulk_create(
        (
            Lien(
                eleve=eleve,
                responsable=responsables[2 * i + rank],
                lien="20" if rank == 0 else "10",
                legal_rank=rank + 1,
                financier=rank == 0,
            )
            for i, eleve in enumerate(eleves)
            for rank in (0, 1)
        ),
        batch_size=4000,
    )
    horaires = list(
        Horaire.objects.filter(etablissement=etablissement, kind=HoraireKind.COURS).order_by("debut")
    )
    motifs = list(Motif.objects.filter(etablissement=etablissement))
    justificatifs = list(Justificatif.objects.filter(etablissement=etablissement))
    slots = [(day, horaire) for day in days for horaire in horaires]
    evenements = []
    for eleve in eleves:
        for day, horaire in sorted(rng.sample(slots, ABSENCES_PER_PUPIL), key=lambda s: (s[0], s[1].debut)):
            justified = rng.random() < 0.6
            evenements.append(
                Evenement(
                    etablissement=etablissement,
                    eleve=eleve,
                    debut=datetime.combine(day, horaire.debut, tz),
                    fin=datetime.combine(day, horaire.fin, tz),
                    motif=rng.choice(motifs) if justified else None,
                    justificatif=rng.choice(justificatifs) if justified else None,
                    absence_constatee=True,
                )
            )
    evenements = Evenement.objects.bulk_create(evenements, batch_size=5000)
    states = [state for state, per_50 in SEEDED_STATES for _ in range(per_50)]
    states += ["delivered"] * (50 - len(states))
    rows, actions_taken = [], []
    for n, evenement in enumerate(evenements):
        i, k = divmod(n, ABSENCES_PER_PUPIL)
        if k >= SMS_PER_PUPIL:
            continue
        eleve = eleves[i]
        responsable = responsables[2 * i + (0 if i % 10 and i % 37 else 1)]
        state = states[(i + k) % 50]
        if state == "submitted" and not polled:
            state = "delivered"
        debut = timezone.localtime(evenement.debut)
        text = (
            f"{etablissement.nom} : {eleve.prenom} {eleve.nom} ({eleve.division.code}) est en absence le "
            f"{debut:%d/%m/%Y} à {debut:%H:%M}. Merci de nous contacter au {etablissement.telephone}."
        )
        analysis = analyse(text)
        sent = state not in ("queued", "cancelled")
        # En transit: sent in the last day (else the sweep would mark it without final report).
        submitted = (
            now - timedelta(minutes=rng.randint(5, 1400))
            if state == "submitted"
            else evenement.fin + timedelta(minutes=10)
        )
        rows.append(
            OutboundSms(
                etablissement=etablissement,
                dedup_key=f"seed:{n}",
                event_key=f"absences.evenement:{evenement.pk}",
                eleve=eleve,
                responsable=responsable,
                phone=responsable.tel_mobile,
                recipient_label="Légal 1 - Financier" if responsable.civilite == "M." else "Légal 2",
                eleve_label=f"{eleve.nom} {eleve.prenom}",
                division_label=eleve.division.code,
                event_label=f"Absence du {debut:%d/%m/%y %H:%M}",
                action_label="Envoi de SMS",
                text=text,
                encoding=analysis.encoding,
                parts=analysis.parts,
                sender="+33472000000",
                state=state,
                state_changed_at=submitted + timedelta(minutes=2) if sent else now,
                released_at=submitted - timedelta(seconds=30) if sent else None,
                attempts=1 if sent else 0,
                provider_code="pluriware" if sent else "",
                provider_id=str(SEEDED_PROVIDER_IDS + len(rows)) if sent else "",
                submitted_at=submitted if sent else None,
                error_message="Numéro refusé par le fournisseur" if state == "invalid" else "",
            )
        )
        actions_taken.append(
            EvenementAction(
                evenement=evenement,
                action=action,
                destinataires=rows[-1].recipient_label,
                token=f"seed:{evenement.pk}",
            )
        )
    OutboundSms.objects.bulk_create(rows, batch_size=5000)
    EvenementAction.objects.bulk_create(actions_taken, batch_size=5000)
    return [(e.pk, e.nom, e.prenom) for e in eleves]


# ------------------------------------------------------------------------------------------------
# A staff member in a browser


class FormReader(HTMLParser):
    """The forms of a page as a browser sees them: inputs, selects (with their options' text)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._option: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"id": attrs.get("id", ""), "action": attrs.get("action", ""), "inputs": [], "selects": {}}
            )
        elif not self.forms:
            return
        elif tag == "input":
            self.forms[-1]["inputs"].append(attrs)
        elif tag == "select":
            self._select = attrs.get("name")
            self.forms[-1]["selects"][self._select] = []
        elif tag == "option" and self._select:
            self._option = {"value": attrs.get("value", ""), "selected": "selected" in attrs, "text": ""}
            self.forms[-1]["selects"][self._select].append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None

    def form(self, *, id: str = "", action: str = "") -> dict:
        return next(f for f in self.forms if (id and f["id"] == id) or (action and f["action"] == action))

    @staticmethod
    def fields(form: dict) -> dict[str, list[str]]:
        """What "Valider" would post as the page stands: checked boxes only, selected options."""
        fields: dict[str, list[str]] = defaultdict(list)
        for attrs in form["inputs"]:
            kind = attrs.get("type", "text")
            if (
                not attrs.get("name")
                or kind in ("submit", "button")
                or (kind in ("checkbox", "radio") and "checked" not in attrs)
            ):
                continue
            fields[attrs["name"]].append(attrs.get("value", "on" if kind == "checkbox" else ""))
        for name, options in form["selects"].items():
            chosen = next((o for o in options if o["selected"]), options[0] if options else None)
            if chosen is not None:
                fields[name] = [chosen["value"]]
        return fields


class PageError(Exception):
    pass


@dataclass
class Sample:
    page: str
    seconds: float
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


ERROR_MARKERS = ('class="alert alert-danger"', "Server Error", "Erreur serveur")
TRACKING_TABS = ("/sms/suivi/", "/sms/suivi/delivres/", "/sms/suivi/invalides/")
SORTS = ("", "eleve", "-eleve", "division", "evenement", "destinataire", "-etat")


class StaffSession:
    """One member of the vie scolaire, in a browser, as fast as the server answers."""

    def __init__(
        self,
        base_url: str,
        username: str,
        pupils: list[tuple[int, str, str]],
        recorder: Recorder,
        rng,
        today: date,
    ):
        import requests

        self.base_url, self.username, self.pupils, self.recorder, self.rng = (
            base_url,
            username,
            pupils,
            recorder,
            rng,
        )
        self.http = requests.Session()
        self.entries = 0
        self.seen_sms: list[int] = []
        self.today = today

    # -- requests ---------------------------------------------------------------------------------
    def request(self, page: str, method: str, path: str, *, data=None, expect: int | None = None):
        started = time.perf_counter()
        error = ""
        try:
            response = self.http.request(
                method, self.base_url + path, data=data, allow_redirects=False, timeout=60
            )
        except Exception as exception:  # a refused or dropped connection is an error like a 500
            self.recorder.add(Sample(page, time.perf_counter() - started, f"{type(exception).__name__}"))
            raise PageError(page) from exception
        elapsed = time.perf_counter() - started
        if expect is not None:
            if response.status_code != expect:
                error = f"{response.status_code} au lieu de {expect}"
        elif response.status_code >= 400:
            error = f"HTTP {response.status_code}"
        elif any(marker in response.text for marker in ERROR_MARKERS):
            error = "page d'erreur : " + _alert_text(response.text)
        self.recorder.add(Sample(page, elapsed, error and f"{method} {path} : {error}"))
        if error:
            raise PageError(error)
        return response

    def get(self, page: str, path: str, **kwargs):
        return self.request(page, "GET", path, **kwargs)

    def post_and_follow(self, page: str, path: str, data, next_page: str):
        response = self.request(page, "POST", path, data=data)
        if response.status_code != 302:
            raise PageError(f"{page} : {response.status_code}")
        return self.get(
            next_page, urlsplit(response.headers["Location"]).path + _query(response.headers["Location"])
        )

    # -- what the staff does -------------------------------------------------------------------------
    def log_in(self) -> None:
        page = self.get("connexion", "/connexion/")
        fields = FormReader.fields(FormReader(page.text).forms[0])
        fields.update(username=[self.username], password=[PASSWORD])
        self.post_and_follow("connexion (Valider)", "/connexion/", fields, "accueil")

    def browse_waiting(self) -> None:
        sort = self.rng.choice(SORTS[:6])
        page = self.rng.choice((1, 1, 2, 3, self.rng.randint(1, 90)))
        response = self.get("SMS à diffuser", f"/sms/a-diffuser/?tri={sort}&page={page}")
        self._remember(response.text)

    def browse_tracking(self) -> None:
        tab = self.rng.choice(TRACKING_TABS)
        sort = self.rng.choice(SORTS)
        page = self.rng.choice((1, 1, 2, self.rng.randint(1, 400)))
        name = {"/sms/suivi/": "Suivi des SMS", "/sms/suivi/delivres/": "SMS délivrés"}.get(
            tab, "SMS invalides ou non remis"
        )
        response = self.get(name, f"{tab}?tri={sort}&page={page}")
        self._remember(response.text)
        if tab == "/sms/suivi/" and self.rng.random() < 0.2:
            form = FormReader(response.text).form(action="/sms/suivi/mettre-a-jour/")
            self.post_and_follow(
                "Mettre à jour", "/sms/suivi/mettre-a-jour/", FormReader.fields(form), "Suivi des SMS"
            )

    def synthese(self) -> None:
        self.get("Synthèse SMS", "/sms/suivi/synthese/")

    def sms_detail(self) -> None:
        if self.seen_sms:
            self.get("détail d'un SMS", f"/sms/{self.rng.choice(self.seen_sms)}/")

    def enter_absence(self) -> None:
        """Choose the pupil by name, then "Ajouter une action": SMS to a responsable who can receive it."""
        pk, nom, prenom = self.pupils[self.entries % len(self.pupils)]
        slot = self.entries // len(self.pupils)
        self.entries += 1
        self.get("choix de l'élève", f"/absences/saisie/?q={nom}+{prenom}")
        page = self.get("saisie (formulaire)", f"/absences/saisie/eleve/{pk}/")
        reader = FormReader(page.text)
        form = reader.form(id="evenement-form")
        fields = FormReader.fields(form)
        starts = [o["value"] for o in form["selects"]["du_heure"]]
        ends = [o["value"] for o in form["selects"]["au_heure"]]
        # The slots of the day in order (each start with its end), then the next day: never two
        # events of one pupil at the same time (each session has pupils of its own).
        day = self.today + timedelta(days=slot // len(starts))
        fields.update(
            du_date=[day.isoformat()],
            au_date=[day.isoformat()],
            du_heure=[starts[slot % len(starts)]],
            au_heure=[ends[slot % len(starts)]],
        )
        reachable = re.findall(r'value="(lien:\d+)"[^>]*>(?:(?!</div>).)*?text-success', page.text, re.S)
        if reachable:
            fields["destinataires"] = [reachable[0]]
            fields["action"] = [
                next(o["value"] for o in form["selects"]["action"] if o["text"].strip() == "SMS")
            ]
        self.post_and_follow(
            "saisie (Valider)", f"/absences/saisie/eleve/{pk}/", fields, "évènement enregistré"
        )

    def dispatch(self) -> None:
        """SMS à diffuser, "tout sélectionner", "Diffuser les SMS sélectionnés"."""
        page = self.get("SMS à diffuser", "/sms/a-diffuser/")
        fields = FormReader.fields(FormReader(page.text).form(id="sms-selection"))
        fields["sms"] = re.findall(r'name="sms" value="(\d+)"', page.text)
        fields["action"] = ["diffuser"]
        if fields["sms"]:
            self.post_and_follow("Diffuser (POST)", "/sms/a-diffuser/", fields, "SMS à diffuser")

    def other_school(self, seeded: "Seeded") -> None:
        """Another school's SMS and pupil, by their URLs: 404."""
        self.get("autre établissement (404)", f"/sms/{seeded.other_sms_pk}/", expect=404)
        self.get("autre établissement (404)", f"/absences/saisie/eleve/{seeded.other_eleve_pk}/", expect=404)

    def _remember(self, html: str) -> None:
        self.seen_sms = [int(pk) for pk in re.findall(r'href="/sms/(\d+)/"', html)] or self.seen_sms

    def run(self, until: float, seeded: "Seeded") -> None:
        mix = (
            (self.browse_waiting, 25),
            (self.browse_tracking, 35),
            (self.synthese, 4),
            (self.sms_detail, 8),
            (self.enter_absence, 20),
            (self.dispatch, 8),
        )
        actions, weights = zip(*mix, strict=True)
        try:
            self.log_in()
            self.other_school(seeded)
        except PageError:
            return
        while time.monotonic() < until:
            with suppress(PageError):  # recorded; the staff member carries on
                self.rng.choices(actions, weights)[0]()


def _alert_text(html: str) -> str:
    match = re.search(r"alert-danger[^>]*>(.*?)</div>", html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()[:200] if match else "erreur"


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


# ------------------------------------------------------------------------------------------------
# The run


def load(url: str, seeded: Seeded) -> tuple[Recorder, float]:
    from django.utils import timezone

    recorder = Recorder()
    today = timezone.localdate()
    sessions = [
        StaffSession(url, f"cpe{n + 1:02d}", seeded.pupils[n::SESSIONS], recorder, random.Random(n), today)
        for n in range(SESSIONS)
    ]
    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    threads = [
        threading.Thread(target=session.run, args=(started + SECONDS, seeded), daemon=True)
        for session in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, used = time.monotonic() - started, resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    print(
        f"the load generator itself used {cpu_seconds:.0f} CPU-seconds of the {os.cpu_count()} cores' "
        f"{elapsed * (os.cpu_count() or 1):.0f}"
    )
    return recorder, elapsed


def _percentile(values: list[float], n: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[n - 1] if len(values) > 1 else values[0]


def report_load(recorder: Recorder, elapsed: float) -> int:
    samples = recorder.samples
    errors = [s for s in samples if s.error]
    print(
        f"{len(samples)} requests in {elapsed:.1f} s by {SESSIONS} sessions = "
        f"{len(samples) / elapsed:.1f} requests/s"
    )
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    print(f"{'page':<30} {'requests':>8} {'median ms':>10} {'p99 ms':>8} {'errors':>7}")
    for page, page_samples in sorted(by_page.items(), key=lambda item: -len(item[1])):
        times = [s.seconds * 1000 for s in page_samples]
        print(
            f"{page:<30} {len(times):>8} {statistics.median(times):>10.0f} {_percentile(times, 99):>8.0f} "
            f"{sum(1 for s in page_samples if s.error):>7}"
        )
    print(f"errors: {len(errors)}")
    for error, count in Counter(s.error for s in errors).most_common(10):
        print(f"  {count} x {error}")
    return len(errors)


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def settle(server, seeded: Seeded) -> bool:
    """Waits until no SMS is being sent, then has the server report every message délivré and the
    worker poll at once (as beat would, later): every SMS should end délivré, final or waiting."""
    from sms.models import OutboundSms, SmsState
    from sms.tasks import sms_poll_etablissement

    started = time.monotonic()
    if not _wait(
        lambda: not OutboundSms.objects.filter(state=SmsState.SENDING).exists(), SETTLE_TIMEOUT_SECONDS
    ):
        print(f"outbox NOT settled after {SETTLE_TIMEOUT_SECONDS} s: SMS still en cours d'envoi")
        return False
    sent = time.monotonic() - started
    server.ask("deliver_all")
    sms_poll_etablissement.delay(seeded.etablissement.pk)
    polled = _wait(
        lambda: not OutboundSms.objects.filter(state=SmsState.SUBMITTED).exclude(provider_id="").exists(),
        SETTLE_TIMEOUT_SECONDS,
    )
    print(
        f"outbox settled: last SMS handed to the provider {sent:.1f} s after the run; "
        f"delivery reports polled in {time.monotonic() - started - sent:.1f} s"
        + ("" if polled else " (NOT all: SMS still en transit)")
    )
    return polled


def delivery_check(server, seeded: Seeded, run_started) -> bool:
    """Every SMS is final or waiting; each SMS dispatched during the run was received exactly once by
    the server (its message id, with its number and text), none twice, none lost."""
    from sms.models import FINAL_STATES, OutboundSms, SmsState

    ok = True
    for etablissement in (seeded.etablissement, seeded.other):
        states = Counter(
            OutboundSms.objects.filter(etablissement=etablissement).values_list("state", flat=True)
        )
        print(
            f"{etablissement.nom}: "
            + ", ".join(f"{SmsState(s).label} {n}" for s, n in sorted(states.items()))
        )
        unsettled = sum(n for s, n in states.items() if s not in (*FINAL_STATES, SmsState.QUEUED))
        if unsettled:
            print(f"  FAILED: {unsettled} SMS neither final nor waiting")
            ok = False
    dispatched = list(
        OutboundSms.objects.filter(released_at__gte=run_started).values_list(
            "phone", "text", "provider_id", "state", "error_kind"
        )
    )
    received: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for message_id, to, text in server.ask("accepted"):
        received[message_id].append((to, text))
    twice = sum(
        n - 1 for n in Counter(m for messages in received.values() for m in messages).values() if n > 1
    )
    # Consent is asked again at dispatch: an SMS to a responsable who withdrew it is rightly never sent.
    withheld = [row for row in dispatched if row[3] == SmsState.CANCELLED and row[4] == "consent"]
    lost = [
        (phone, state)
        for phone, text, provider_id, state, error_kind in dispatched
        if (state, error_kind) != (SmsState.CANCELLED, "consent")
        and received.get(provider_id) != [(phone, text)]
    ]
    stray = set(received) - {row[2] for row in dispatched}
    not_delivered = Counter(
        row[3] for row in dispatched if row[3] != SmsState.DELIVERED and row not in withheld
    )
    print(
        f"dispatched during the run: {len(dispatched)} SMS; the loopback server received "
        f"{sum(len(m) for m in received.values())} messages; received exactly once: "
        f"{len(dispatched) - len(lost) - len(withheld)}; "
        f"rightly withheld (consent withdrawn): {len(withheld)}; "
        f"sent twice: {twice}; lost: {len(lost)}; received without an SMS: {len(stray)}"
        + (f"; not délivré: {dict(not_delivered)}" if not_delivered else "")
    )
    return ok and not lost and not twice and not stray and not not_delivered


def _stop_on_sigterm(*_):
    raise KeyboardInterrupt


def main() -> int:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="sconet.settings",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
    )
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    database_recreate()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tests.fixtures.celery_worker import _purge
    from tests.fixtures.processes import free_port
    from tests.fixtures.stack import stack_processes, stack_start
    from tests.loopback import PluriwareServer
    from tests.loopback.process import LoopbackProcess

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seeded = seed()
    print(
        f"seeded in {time.perf_counter() - started:.0f} s: {PUPILS} + {OTHER_PUPILS} pupils, "
        f"{(PUPILS + OTHER_PUPILS) * ABSENCES_PER_PUPIL} absences, "
        f"{(PUPILS + OTHER_PUPILS) * SMS_PER_PUPIL} SMS, "
        f"{SESSIONS} staff accounts"
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    for log in LOG_DIR.glob("*.log"):
        log.unlink()
    server, processes_started, ok = None, [], False
    try:
        server = LoopbackProcess(PluriwareServer)
        server.ask("register", seeded.en_transit_ids)
        _purge(QUEUE)
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "off",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "SCONET_PLURIWARE_URL": server.url,
        }
        web_workers = 2 * (os.cpu_count() or 1) + 1
        processes = stack_processes(
            env=env, log_dir=LOG_DIR, port=port, queue=QUEUE, web_workers=web_workers, worker_concurrency=2
        )
        url = f"http://127.0.0.1:{port}"
        stack_start(processes, started=processes_started)
        print(f"gunicorn ({web_workers} workers), Celery worker (2 processes) and beat on {url}")
        run_started = timezone.now()
        recorder, elapsed = load(url, seeded)
        errors = report_load(recorder, elapsed)
        settled = settle(server, seeded)
        delivered = delivery_check(server, seeded, run_started)
        ok = errors == 0 and settled and delivered
        print("RESULT: " + ("ok" if ok else "FAILED") + f" (logs in {LOG_DIR.relative_to(ROOT)}/)")
    except KeyboardInterrupt:
        print("interrupted: stopping every process started")
    finally:
        for process in reversed(processes_started):
            process.stop()
        if server is not None:
            server.stop()
        connection.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
