"""Writes of the Base élèves: every change goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from etablissements.models import Etablissement, validate_uai
from etablissements.services import audit_record

from .models import ConsentChange, Division, GroupeDivisions, Lien, Responsable, SiecleImport
from .phones import is_foreign, phone_mask
from .siecle.importer import SiecleImporter, yes_no
from .siecle.reader import SiecleExport, SiecleFileError, siecle_read

COMMAND_USERNAME = "import_siecle (ligne de commande)"


@transaction.atomic
def groupe_divisions_save(
    *,
    etablissement: Etablissement,
    nom: str,
    divisions: list[Division],
    groupe: GroupeDivisions | None = None,
) -> GroupeDivisions:
    """Creates a groupe de divisions, or renames and refills ``groupe``; only this school's divisions."""
    if any(division.etablissement_id != etablissement.pk for division in divisions):
        raise ValidationError("Une division choisie n'appartient pas à cet établissement.")
    if groupe is None:
        groupe = GroupeDivisions(etablissement=etablissement)
    elif groupe.etablissement_id != etablissement.pk:
        raise ValidationError("Ce groupe de divisions n'appartient pas à cet établissement.")
    groupe.nom = nom
    groupe.save()
    groupe.divisions.set(divisions)
    return groupe


def groupe_divisions_retire(*, groupe: GroupeDivisions) -> None:
    """A group in use is retired, never deleted: it is no longer offered, and what used it keeps it."""
    groupe.actif = False
    groupe.save(update_fields=["actif"])


CONSENT_FIELDS = (
    ("accepte_sms", ConsentChange.Field.ACCEPTE_SMS),
    ("tel_mobile", ConsentChange.Field.TEL_MOBILE),
)


@transaction.atomic
def responsable_update(*, lien: Lien, user, responsable_values: dict, lien_values: dict) -> Responsable:
    """Saves the responsable form: the person, and their link with this pupil (lien, qualités).

    Each change of "accepte les SMS" or of the mobile is kept in the consent history (who, when, old and
    new value) and journaled, the number masked.
    """
    responsable = Responsable.objects.select_for_update().get(pk=lien.responsable_id)
    changes = []
    for name, field_name in CONSENT_FIELDS:
        old, new = getattr(responsable, name), responsable_values[name]
        if old != new:
            shown = yes_no if name == "accepte_sms" else str
            changes.append((field_name, shown(old), shown(new)))
    for name, value in responsable_values.items():
        setattr(responsable, name, value)
    responsable.save()
    for name, value in lien_values.items():
        setattr(lien, name, value)
    lien.save()
    _consent_changes_record(responsable, user, changes, source=ConsentChange.Source.SAISIE)
    return responsable


@transaction.atomic
def responsable_mobile_correct(*, responsable: Responsable, user, tel_mobile: str) -> bool:
    """A staff member corrected the mobile number (to send again an SMS the old one could not take):
    the responsable's record takes it, for the next SMS too, and the consent history keeps the change.
    ``tel_mobile`` is a checked mobile number (E.164). Returns whether anything changed."""
    responsable = Responsable.objects.select_for_update().get(pk=responsable.pk)
    old = responsable.tel_mobile
    if old == tel_mobile:
        return False
    responsable.tel_mobile, responsable.tel_mobile_etranger = tel_mobile, is_foreign(tel_mobile)
    responsable.save(update_fields=["tel_mobile", "tel_mobile_etranger"])
    _consent_changes_record(
        responsable,
        user,
        [(ConsentChange.Field.TEL_MOBILE, old, tel_mobile)],
        source=ConsentChange.Source.RENVOI,
    )
    return True


def _consent_changes_record(responsable: Responsable, user, changes, *, source: str) -> None:
    """The consent history and the journal of changes typed by a staff member, the number masked."""
    for field_name, old, new in changes:
        ConsentChange.objects.create(
            responsable=responsable,
            user=user,
            username=user.get_username(),
            source=source,
            field=field_name,
            old_value=old,
            new_value=new,
        )
        masked = (
            (phone_mask(old), phone_mask(new)) if field_name == ConsentChange.Field.TEL_MOBILE else (old, new)
        )
        audit_record(
            etablissement=responsable.etablissement,
            user=user,
            action="eleves.consent_changed",
            summary=f"{field_name.label} de {responsable.nom} {responsable.prenom} : "
            f"« {masked[0] or 'vide'} » → « {masked[1] or 'vide'} »",
            details={"responsable_id": responsable.pk, "field": field_name.value},
        )


def siecle_import(*, etablissement: Etablissement, files: list[tuple[str, bytes]], user) -> SiecleImport:
    """Imports a SIECLE export (from the Import/Export page) into the current établissement only."""
    export = siecle_read(files)
    if export.uai != etablissement.uai:
        raise SiecleFileError(
            f"Cet export est celui de l'établissement {export.uai}, pas de {etablissement.nom} "
            f"({etablissement.uai}) : rien n'a été importé."
        )
    return _siecle_apply(etablissement=etablissement, export=export, user=user)


def siecle_import_by_uai(*, files: list[tuple[str, bytes]], user=None) -> SiecleImport:
    """Imports an export into the établissement of its UAI, created when the installation has none."""
    export = siecle_read(files)
    try:
        validate_uai(export.uai)
    except ValidationError:
        raise SiecleFileError(
            f"L'UAJ « {export.uai} » de cet export n'est pas un numéro UAI valide."
        ) from None
    etablissement, _ = Etablissement.objects.get_or_create(
        uai=export.uai, defaults={"nom": f"Établissement {export.uai}"}
    )
    return _siecle_apply(etablissement=etablissement, export=export, user=user)


@transaction.atomic
def _siecle_apply(*, etablissement: Etablissement, export: SiecleExport, user) -> SiecleImport:
    # One import at a time per school: the second waits for the first, then sees its work.
    Etablissement.objects.select_for_update().filter(pk=etablissement.pk).first()
    last = SiecleImport.objects.filter(etablissement=etablissement).order_by("-date_export").first()
    if last and export.date_export < last.date_export:
        raise SiecleFileError(
            f"Cet export date du {export.date_export:%d/%m/%Y}, avant celui déjà importé "
            f"(du {last.date_export:%d/%m/%Y}) : rien n'a été importé."
        )
    username = user.get_username() if user is not None else COMMAND_USERNAME
    report = SiecleImporter(etablissement=etablissement, export=export, user=user, username=username).run()
    siecle_import_row = SiecleImport.objects.create(
        etablissement=etablissement,
        user=user,
        username=username,
        file_names=", ".join(export.file_names)[:300],
        annee_scolaire=export.annee_scolaire,
        date_export=export.date_export,
        report=report.as_dict(),
    )
    audit_record(
        etablissement=etablissement,
        user=user,
        action="eleves.siecle_imported",
        summary=f"Import SIECLE de l'export du {export.date_export:%d/%m/%Y} : "
        f"{report.eleves.created} élèves créés, {report.eleves.updated} mis à jour, "
        f"{report.eleves_left} sortis ; {len(report.conflicts)} conflit(s).",
        details={"siecle_import_id": siecle_import_row.pk},
    )
    return siecle_import_row
