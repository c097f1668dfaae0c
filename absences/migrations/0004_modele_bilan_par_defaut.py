from django.db import migrations

# As in absences.defaults at the time of this migration.
MODELE_BILAN = {
    "nom": "Bilan des absences",
    "titre": "Bilan des absences et retards",
    "texte_bas": "Merci de justifier toute absence auprès de la vie scolaire.",
}


def create_default_bilans(apps, schema_editor):
    """The établissements that already have their Paramétrages get the default modèle de bilan (the
    others get it with the rest of their default lists, on first use)."""
    ValeursParDefaut = apps.get_model("absences", "ValeursParDefaut")
    ModeleBilan = apps.get_model("absences", "ModeleBilan")
    having = set(ModeleBilan.objects.values_list("etablissement_id", flat=True))
    ModeleBilan.objects.bulk_create(
        ModeleBilan(etablissement_id=etablissement_id, **MODELE_BILAN)
        for etablissement_id in ValeursParDefaut.objects.values_list("etablissement_id", flat=True)
        if etablissement_id not in having
    )


class Migration(migrations.Migration):
    dependencies = [
        ("absences", "0003_modele_bilan"),
    ]

    operations = [
        migrations.RunPython(create_default_bilans, migrations.RunPython.noop),
    ]
