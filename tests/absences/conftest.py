"""A pupil of 5B with two responsables: Légal 1 - Financier accepts SMS, Légal 2 does not."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from absences.models import Action, Motif, Traitement
from absences.services import action_create, modele_create, parametrages_ensure
from tests import factories

MODELE_TEXTE = (
    "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est en [TYPE] le [DATE DEBUT] à [HEURE DEBUT]. "
    "Merci de justifier au [TELEPHONE ETABLISSEMENT]."
)


@pytest.fixture
def parametrages(etablissement):
    return parametrages_ensure(etablissement=etablissement)


@pytest.fixture
def eleve(etablissement):
    return factories.EleveFactory(
        etablissement=etablissement,
        nom="REITER",
        prenom="Pauline",
        division=factories.DivisionFactory(etablissement=etablissement, code="5B"),
    )


@pytest.fixture
def legal1(eleve):
    return factories.LienFactory(
        eleve=eleve, responsable__nom="REITER", responsable__tel_mobile="+33660000001"
    )


@pytest.fixture
def legal2(eleve):
    return factories.LienFactory(
        eleve=eleve,
        lien="10",
        legal_rank=2,
        financier=False,
        responsable__nom="REITER",
        responsable__prenom="Anne",
        responsable__civilite="MME",
        responsable__accepte_sms=False,
    )


@pytest.fixture
def sms_action(etablissement, parametrages) -> Action:
    modele = modele_create(etablissement=etablissement, nom="absence", texte=MODELE_TEXTE)
    return action_create(
        etablissement=etablissement,
        libelle_court="SMS",
        libelle_long="Envoi de SMS",
        delai_alerte_jours=2,
        traitement=Traitement.SMS,
        modele=modele,
        emetteur="+33146000000",
    )


@pytest.fixture
def courrier_action(etablissement, parametrages) -> Action:
    return action_create(
        etablissement=etablissement,
        libelle_court="COUR",
        libelle_long="Courrier aux parents",
        delai_alerte_jours=7,
        traitement=Traitement.COURRIER,
    )


def today_at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(
        timezone.localdate() + timedelta(days=days), time(hour, minute), timezone.get_current_timezone()
    )


@pytest.fixture
def provider(etablissement, habilitee_user):
    """The built-in simulator chosen as the school's provider: "Envoi de SMS" actions are offered."""
    from sms.services import provider_settings_update

    provider_settings_update(
        etablissement=etablissement,
        user=habilitee_user,
        provider_code="simulator",
        login="cle-test",
        password="secret-test",
        option1="",
        option2="",
    )


@pytest.fixture
def maladie(etablissement, parametrages) -> Motif:
    return Motif.objects.get(etablissement=etablissement, libelle="Maladie")


@pytest.fixture
def school(etablissement, parametrages):
    """5B of three pupils, 5C of one; the default motifs, justificatifs and horaires."""
    b, c = (factories.DivisionFactory(etablissement=etablissement, code=code) for code in ("5B", "5C"))
    pupils = {
        "reiter": factories.EleveFactory(
            etablissement=etablissement, division=b, nom="REITER", prenom="Pauline"
        ),
        "martin": factories.EleveFactory(etablissement=etablissement, division=b, nom="MARTIN", prenom="Léa"),
        "petit": factories.EleveFactory(etablissement=etablissement, division=b, nom="PETIT", prenom="Chloé"),
        "durand": factories.EleveFactory(etablissement=etablissement, division=c, nom="DURAND", prenom="Tom"),
    }
    return {"5B": b, "5C": c, **pupils}
