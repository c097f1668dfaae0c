"""Journal des opérations: the audit journal of the établissement, for the personne habilitée."""

import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from eleves.models import Lien
from eleves.services import responsable_update
from etablissements.journal import OPERATIONS
from etablissements.models import AuditEntry
from etablissements.services import audit_record
from tests import factories
from tests.factories import LienFactory

PARIS = ZoneInfo("Europe/Paris")
URL = reverse("journal")


def _entry(etablissement, user=None, *, at=None, action="absences.parametrage_ajouté", summary="Motifs"):
    entry = audit_record(etablissement=etablissement, user=user, action=action, summary=summary)
    if at is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def _rows(response) -> list[str]:
    return [entry.summary for entry in response.context["page_obj"]]


def test_the_habilitee_sees_her_schools_entries_newest_first_in_french(
    habilitee_client, etablissement, habilitee_user, other_etablissement
):
    _entry(
        etablissement,
        habilitee_user,
        at=datetime(2008, 2, 15, 14, 40, tzinfo=PARIS),
        summary="Motifs : « Sortie scolaire » ajouté",
    )
    audit_record(
        etablissement=etablissement,
        user=None,
        action="sms.batch_dispatched",
        summary="Lot de 2 SMS transmis à PLURIWARE : 2 accepté(s)",
        details={"reference_lot": "lot-7f3a9c", "sms": [424242]},
    )
    _entry(other_etablissement, summary="Motifs : « Voyage du lycée » ajouté")

    response = habilitee_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(response) == [
        "Lot de 2 SMS transmis à PLURIWARE : 2 accepté(s)",
        "Motifs : « Sortie scolaire » ajouté",
    ]
    assert "<td>Système</td>" in html
    assert "<td>Lot de SMS transmis au fournisseur</td>" in html
    assert "15/02/2008 à 14:40" in html
    assert "<td>habilitee</td>" in html
    assert "<td>Paramétrage ajouté</td>" in html
    assert "Voyage du lycée" not in html  # another school's
    assert "lot-7f3a9c" not in html
    assert "424242" not in html
    assert "Enregistrement(s) 1 à 2, sur 2 trouvé(s)" in html


def test_an_unknown_action_code_still_shows_the_entry(habilitee_client, etablissement):
    _entry(etablissement, action="sms.sweep", summary="Reprise des SMS abandonnés")

    html = habilitee_client.get(URL).content.decode()

    assert "<td>Autre opération (sms.sweep)</td>" in html
    assert "Reprise des SMS abandonnés" in html


def test_every_action_code_of_the_project_has_a_french_label():
    """Scans every call of audit_record: a new operation needs its label in etablissements/journal.py."""
    codes, prefixes = set(), set()
    for app in ("sconet", "etablissements", "eleves", "absences", "sms"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                if "audit_record" not in (getattr(node.func, "id", None), getattr(node.func, "attr", None)):
                    continue
                (action,) = [kw.value for kw in node.keywords if kw.arg == "action"]
                if isinstance(action, ast.Constant):
                    codes.add(action.value)
                else:  # f"absences.parametrage_{verb}": its verbs are checked below, through the pages
                    prefixes.add(action.values[0].value)

    assert {"sms.batch_released", "sms.batch_dispatched", "eleves.consent_changed"} <= codes
    assert codes - set(OPERATIONS) == set()
    assert prefixes == {"absences.parametrage_"}


def test_each_paramétrage_change_gets_its_label(habilitee_client, etablissement):
    add, edit = reverse("parametrages_justificatifs_add"), "parametrages_justificatifs_{}"
    habilitee_client.post(add, {"libelle": "Attestation de stage"})
    pk = AuditEntry.objects.get().details["id"]
    habilitee_client.post(reverse(edit.format("edit"), args=[pk]), {"libelle": "Convention de stage"})
    habilitee_client.post(reverse(edit.format("retire"), args=[pk]))
    habilitee_client.post(reverse(edit.format("retire"), args=[pk]))
    habilitee_client.post(reverse(edit.format("delete"), args=[pk]))

    html = habilitee_client.get(URL).content.decode()

    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert len(actions) == 5
    assert set(actions) <= set(OPERATIONS)
    for label in ("ajouté", "modifié", "retiré", "rétabli", "supprimé"):
        assert f"<td>Paramétrage {label}</td>" in html
    assert "Justificatifs : « Convention de stage » supprimé" in html


def test_filters_by_operation_and_by_user(habilitee_client, etablissement, habilitee_user):
    _entry(etablissement, habilitee_user, summary="par l'habilitée")
    _entry(etablissement, None, action="sms.batch_dispatched", summary="par le worker")
    _entry(etablissement, habilitee_user, action="sms.cancelled", summary="SMS supprimés")

    by_operation = habilitee_client.get(URL, {"operation": "sms.cancelled"})
    by_system = habilitee_client.get(URL, {"utilisateur": "système"})
    by_user = habilitee_client.get(URL, {"utilisateur": "habilitee", "operation": ""})

    assert _rows(by_operation) == ["SMS supprimés"]
    assert _rows(by_system) == ["par le worker"]
    assert _rows(by_user) == ["SMS supprimés", "par l'habilitée"]
    html = by_system.content.decode()
    assert '<option value="système" selected>Système</option>' in html
    assert '<option value="sms.cancelled">SMS supprimés</option>' in html


def test_the_user_filter_offers_no_one_of_another_school(
    habilitee_client, etablissement, habilitee_user, other_etablissement
):
    _entry(etablissement, habilitee_user, summary="ici")
    cpe = factories.vie_scolaire(other_etablissement, username="cpe.lycee")
    _entry(other_etablissement, cpe, summary="au lycée")

    first = habilitee_client.get(URL)
    response = habilitee_client.get(URL, {"utilisateur": "cpe.lycee"})

    assert "cpe.lycee" not in first.content.decode()
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert "au lycée" not in response.content.decode()
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_du_and_au_are_whole_days_in_the_schools_time_zone(habilitee_client, etablissement):
    _entry(etablissement, at=datetime(2008, 2, 14, 23, 50, tzinfo=PARIS), summary="le 14 au soir")
    _entry(etablissement, at=datetime(2008, 2, 15, 0, 10, tzinfo=PARIS), summary="le 15 à minuit passé")
    _entry(etablissement, at=datetime(2008, 2, 15, 23, 50, tzinfo=PARIS), summary="le 15 au soir")
    _entry(etablissement, at=datetime(2008, 2, 16, 0, 10, tzinfo=PARIS), summary="le 16")

    the_15th = habilitee_client.get(URL, {"du": "2008-02-15", "au": "2008-02-15"})
    since = habilitee_client.get(URL, {"du": "15/02/2008"})
    until = habilitee_client.get(URL, {"au": "2008-02-14"})

    assert _rows(the_15th) == ["le 15 au soir", "le 15 à minuit passé"]
    assert _rows(since) == ["le 16", "le 15 au soir", "le 15 à minuit passé"]
    assert _rows(until) == ["le 14 au soir"]


def test_au_before_du_says_so_in_french(habilitee_client, etablissement):
    _entry(etablissement)

    response = habilitee_client.get(URL, {"du": "2008-02-15", "au": "2008-02-14"})

    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert "Au : La date « Au » ne peut pas précéder la date « Du »." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"du": "2008-13-45"},
        {"au": "demain"},
        {"du": "0001-01-01"},
        {"au": "9999-12-31"},
        {"du": "20026-01-01"},
        {"du": "31/02/2008"},
        {"operation": "absences.inconnue"},
        {"page": "abc"},
        {"page": "999"},
    ],
)
def test_nothing_malformed_crashes_the_page(habilitee_client, etablissement, query):
    _entry(etablissement)

    response = habilitee_client.get(URL, query)

    assert response.status_code == 200
    if "page" not in query:
        assert response.context["page_obj"] is None
        assert 'class="alert alert-danger"' in response.content.decode()


def test_pages_of_twenty_keep_the_filters(habilitee_client, etablissement, habilitee_user):
    AuditEntry.objects.bulk_create(
        AuditEntry(etablissement=etablissement, username="habilitee", action="sms.cancelled", summary=f"n{i}")
        for i in range(45)
    )

    first = habilitee_client.get(URL, {"operation": "sms.cancelled"})
    last = habilitee_client.get(URL, {"operation": "sms.cancelled", "page": "3"})

    assert "Enregistrement(s) 1 à 20, sur 45 trouvé(s)" in first.content.decode()
    assert 'href="?operation=sms.cancelled&amp;page=2"' in first.content.decode()
    assert "Enregistrement(s) 41 à 45, sur 45 trouvé(s)" in last.content.decode()
    assert len(_rows(last)) == 5


@pytest.mark.parametrize("count", [5, 200])
def test_the_page_runs_the_same_queries_whatever_the_journals_length(
    habilitee_client, etablissement, habilitee_user, count, django_assert_max_num_queries
):
    users = [habilitee_user, None, factories.vie_scolaire(etablissement)]
    AuditEntry.objects.bulk_create(
        AuditEntry(
            etablissement=etablissement,
            user=users[i % 3],
            username=users[i % 3].username if users[i % 3] else "système",
            action=list(OPERATIONS)[i % len(OPERATIONS)],
            summary=f"opération {i}",
            details={"sms": list(range(50))},
        )
        for i in range(count)
    )
    habilitee_client.get(URL)  # session warmed

    with django_assert_max_num_queries(10):
        response = habilitee_client.get(URL, {"utilisateur": "habilitee", "du": "2000-01-01"})

    assert response.status_code == 200
    assert len(_rows(response)) == min(20, len(range(0, count, 3)))


def test_a_changed_mobile_shows_masked_in_the_journal(habilitee_client, etablissement, habilitee_user):
    lien = LienFactory(eleve__etablissement=etablissement, responsable__tel_mobile="+33612345678")
    lien = Lien.objects.select_related("responsable").get(pk=lien.pk)
    responsable_update(
        lien=lien,
        user=habilitee_user,
        responsable_values={"tel_mobile": "+33698765432", "accepte_sms": False},
        lien_values={},
    )

    html = habilitee_client.get(URL).content.decode()

    assert "Consentement SMS ou Tél. Mobile modifié" in html
    assert "06 •• •• •• 78" in html
    assert "06 •• •• •• 32" in html
    for number in ("12345678", "12 34 56 78", "98765432", "98 76 54 32"):
        assert number not in html


def test_the_menu_offers_the_journal_to_the_habilitee_only(habilitee_client, vie_scolaire_user):
    assert "Journal des opérations" in habilitee_client.get(reverse("home")).content.decode()

    client = Client()
    client.force_login(vie_scolaire_user)
    assert "Journal des opérations" not in client.get(reverse("home")).content.decode()
    assert client.get(URL).status_code == 403
