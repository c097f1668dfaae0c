"""Writes of the Base élèves: every change goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from etablissements.models import Etablissement

from .models import Division, GroupeDivisions


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
