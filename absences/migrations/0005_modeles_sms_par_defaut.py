from django.db import migrations

# As in absences.defaults at the time of this migration.
MODELES = (
    (
        "SMS absence",
        "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est absent(e) le [DATE DEBUT] à partir de "
        "[HEURE DEBUT]. Merci de nous contacter au [TELEPHONE ETABLISSEMENT].",
    ),
    (
        "SMS retard",
        "[ETABLISSEMENT] : [PRENOM] [NOM] ([DIVISION]) est arrivé(e) en retard le [DATE DEBUT] à "
        "[HEURE ARRIVEE] (cours de [HEURE DEBUT]). Merci de nous contacter au [TELEPHONE ETABLISSEMENT].",
    ),
)


def create_default_sms_modeles(apps, schema_editor):
    """The établissements that already have their Paramétrages get the default SMS modèles (the others
    get them with the rest of their default lists, on first use). A modèle a school wrote is never
    touched: one whose name is taken is left as it is, and no modèle is added in its place."""
    ValeursParDefaut = apps.get_model("absences", "ValeursParDefaut")
    ModeleDocument = apps.get_model("absences", "ModeleDocument")
    taken = set(ModeleDocument.objects.values_list("etablissement_id", "nom"))
    ModeleDocument.objects.bulk_create(
        ModeleDocument(etablissement_id=etablissement_id, nom=nom, texte=texte)
        for etablissement_id in ValeursParDefaut.objects.values_list("etablissement_id", flat=True)
        for nom, texte in MODELES
        if (etablissement_id, nom) not in taken
    )


class Migration(migrations.Migration):
    dependencies = [
        ("absences", "0004_modele_bilan_par_defaut"),
    ]

    operations = [
        migrations.RunPython(create_default_sms_modeles, migrations.RunPython.noop),
    ]
