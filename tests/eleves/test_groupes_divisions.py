import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from eleves.models import GroupeDivisions
from eleves.services import groupe_divisions_retire, groupe_divisions_save
from tests.factories import DivisionFactory


def test_a_groupe_gathers_divisions_of_its_school_and_is_retired_not_deleted(etablissement):
    divisions = [DivisionFactory(etablissement=etablissement, code=code) for code in ("3A", "3B")]

    groupe = groupe_divisions_save(etablissement=etablissement, nom="Tous les 3e", divisions=divisions)
    groupe_divisions_retire(groupe=groupe)

    groupe = GroupeDivisions.objects.get(pk=groupe.pk)
    assert not groupe.actif
    assert sorted(d.code for d in groupe.divisions.all()) == ["3A", "3B"]


def test_a_groupe_refuses_another_schools_division(etablissement, other_etablissement):
    foreign = DivisionFactory(etablissement=other_etablissement, code="2A")

    with pytest.raises(ValidationError):
        groupe_divisions_save(etablissement=etablissement, nom="Mélange", divisions=[foreign])

    assert not GroupeDivisions.objects.exists()


def test_a_groupe_name_is_unique_in_its_school(etablissement, other_etablissement):
    groupe_divisions_save(etablissement=etablissement, nom="Niveau 5e", divisions=[])
    groupe_divisions_save(etablissement=other_etablissement, nom="Niveau 5e", divisions=[])

    with pytest.raises(IntegrityError):
        groupe_divisions_save(etablissement=etablissement, nom="Niveau 5e", divisions=[])
