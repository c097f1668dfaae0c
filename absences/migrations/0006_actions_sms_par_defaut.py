from django.db import migrations

# As in absences.defaults at the time of this migration: (libellé court, libellé long, modèle).
ACTIONS = (
    ("SMS absence", "SMS d'absence aux responsables", "SMS absence"),
    ("SMS retard", "SMS de retard aux responsables", "SMS retard"),
)
DELAI_ALERTE_JOURS = 2


def create_default_sms_actions(apps, schema_editor):
    """The établissements that already have their Paramétrages get an "Envoi de SMS" action for each
    default SMS modèle, as new ones do, only where it is missing: a school whose libellé court is taken,
    or which already has an action on that modèle, or no modèle of that name, gets nothing. Nothing a
    school has is changed."""
    ValeursParDefaut = apps.get_model("absences", "ValeursParDefaut")
    ModeleDocument = apps.get_model("absences", "ModeleDocument")
    Action = apps.get_model("absences", "Action")
    schools = set(ValeursParDefaut.objects.values_list("etablissement_id", flat=True))
    taken = set(Action.objects.values_list("etablissement_id", "libelle_court"))
    used = set(Action.objects.exclude(modele=None).values_list("modele_id", flat=True))
    modeles = {
        (modele.etablissement_id, modele.nom): modele.pk
        for modele in ModeleDocument.objects.filter(nom__in=[nom for _, _, nom in ACTIONS])
    }
    missing = (
        (etablissement_id, libelle_court, libelle_long, modeles.get((etablissement_id, nom)))
        for etablissement_id in sorted(schools)
        for libelle_court, libelle_long, nom in ACTIONS
        if (etablissement_id, libelle_court) not in taken
    )
    Action.objects.bulk_create(
        Action(
            etablissement_id=etablissement_id,
            libelle_court=libelle_court,
            libelle_long=libelle_long,
            delai_alerte_jours=DELAI_ALERTE_JOURS,
            traitement="sms",
            modele_id=modele_id,
        )
        for etablissement_id, libelle_court, libelle_long, modele_id in missing
        if modele_id is not None and modele_id not in used
    )


class Migration(migrations.Migration):
    dependencies = [
        ("absences", "0005_modeles_sms_par_defaut"),
    ]

    operations = [
        migrations.RunPython(create_default_sms_actions, migrations.RunPython.noop),
    ]
