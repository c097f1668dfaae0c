"""The demo installation that ``make run`` creates on an empty database.

Two établissements, so that the separation between schools is always exercised, and one account of
each role. Each app adds its own demo data through the same services the staff use.
"""

from django.db import transaction

from absences.models import Action, Traitement
from absences.services import action_create, modele_create, parametrages_ensure
from eleves.demo import demo_export_files
from eleves.services import siecle_import
from etablissements.models import Etablissement
from etablissements.roles import PERSONNE_HABILITEE, VIE_SCOLAIRE
from etablissements.services import user_create
from sms.services import provider_settings_update

DEMO_PASSWORD = "sconet-demo"

DEMO_LOGINS = (
    ("habilitee", "Personne habilitée du collège Victor Hugo"),
    ("viescolaire", "Vie scolaire du collège Victor Hugo"),
    ("cpe.lycee", "Vie scolaire du lycée Jean Moulin"),
    ("admin", "superutilisateur, voit les deux établissements et l'administration Django"),
)


def demo_is_needed() -> bool:
    return not Etablissement.objects.exists()


@transaction.atomic
def demo_load() -> None:
    college = Etablissement.objects.create(
        uai="0699990J",
        nom="Collège Victor Hugo",
        adresse="12 rue Victor Hugo",
        code_postal="69002",
        ville="Lyon",
        telephone="04 72 00 00 00",
        courriel="vie-scolaire.0699990J@example.org",
    )
    lycee = Etablissement.objects.create(
        uai="0699991K", nom="Lycée Jean Moulin", ville="Villeurbanne", telephone="04 78 00 00 00"
    )
    habilitee = user_create(
        username="habilitee",
        password=DEMO_PASSWORD,
        etablissements=[college],
        role=PERSONNE_HABILITEE,
        first_name="Claire",
        last_name="Martin",
    )
    user_create(
        username="viescolaire",
        password=DEMO_PASSWORD,
        etablissements=[college],
        role=VIE_SCOLAIRE,
        first_name="Karim",
        last_name="Benali",
    )
    cpe_lycee = user_create(
        username="cpe.lycee",
        password=DEMO_PASSWORD,
        etablissements=[lycee],
        role=VIE_SCOLAIRE,
        first_name="Sophie",
        last_name="Leroy",
    )
    user_create(username="admin", password=DEMO_PASSWORD, etablissements=[], role=None, is_superuser=True)
    # The pupils come in as every school's do: through the SIECLE import of their exports.
    siecle_import(etablissement=college, files=demo_export_files("sample-a"), user=habilitee)
    siecle_import(etablissement=lycee, files=demo_export_files("lycee-jean-moulin"), user=cpe_lycee)
    # The collège sends its SMS through the built-in simulator: nothing leaves the machine.
    provider_settings_update(
        etablissement=college,
        user=habilitee,
        provider_code="simulator",
        login="DEMO-0699990J",
        password="demo",
        option1="",
        option2="",
    )
    # With the default « SMS absence » and « SMS retard » (its SMS says when the pupil arrived, and the
    # Appel proposes it for its retards), the collège's own "SMS" action on its shared modèle.
    demo_sms_action_create(college)
    demo_courrier_actions_create(college)


def demo_sms_action_create(etablissement) -> Action:
    """A school's SMS model and its "SMS / Envoi de SMS" action (seed, step 3): the Collège Victor
    Hugo's in the demo, both schools' in the load benchmark."""
    parametrages_ensure(etablissement=etablissement)
    modele = modele_create(
        etablissement=etablissement,
        nom="absence",
        texte=(
            "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est en [TYPE] le [DATE DEBUT] à [HEURE DEBUT]. "
            "Merci de nous contacter au [TELEPHONE ETABLISSEMENT]."
        ),
    )
    return action_create(
        etablissement=etablissement,
        libelle_court="SMS",
        libelle_long="Envoi de SMS",
        delai_alerte_jours=2,
        traitement=Traitement.SMS,
        modele=modele,
        emetteur="+33472000000",
    )


COURRIER_TEXTE = (
    "Madame, Monsieur,\n\n"
    "Nous vous informons que votre enfant [PRENOM] [NOM] ([DIVISION]) a été noté(e) en [TYPE] "
    "du [DATE DEBUT] à [HEURE DEBUT] au [DATE FIN] à [HEURE FIN].\n\n"
    "Nous vous remercions de bien vouloir nous en faire connaître le motif, par écrit, dans les meilleurs "
    "délais, ou de contacter la vie scolaire au [TELEPHONE ETABLISSEMENT].\n\n"
    "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
)


def demo_courrier_actions_create(etablissement) -> list[Action]:
    """A letter model and its two actions: "Courrier" (Envoi aux familles > Courriers) and "Courriel"."""
    modele = modele_create(etablissement=etablissement, nom="courrier absence", texte=COURRIER_TEXTE)
    return [
        action_create(
            etablissement=etablissement,
            libelle_court=libelle_court,
            libelle_long=libelle_long,
            delai_alerte_jours=7,
            traitement=traitement,
            modele=modele,
        )
        for libelle_court, libelle_long, traitement in (
            ("Courrier", "Courrier aux responsables", Traitement.COURRIER),
            ("Courriel", "Courriel aux responsables", Traitement.COURRIEL),
        )
    ]
