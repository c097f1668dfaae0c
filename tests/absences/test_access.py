"""Every absences URL with an object id answers 404 for another school's object; Paramétrages are for
the personne habilitée only."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from absences.models import Evenement
from absences.parametrages import KINDS
from absences.services import parametrages_ensure
from tests import factories

from .conftest import today_at


def _absences_routes_with_an_id():
    resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "absences/")
    return [p.name for p in resolver.url_patterns if isinstance(p, URLPattern) and "<int:" in str(p.pattern)]


@pytest.fixture
def foreign_objects(other_etablissement):
    """One object of every kind in the Lycée Jean Moulin."""
    parametrages_ensure(etablissement=other_etablissement)
    eleve = factories.EleveFactory(etablissement=other_etablissement)
    evenement = Evenement.objects.create(
        etablissement=other_etablissement, eleve=eleve, debut=today_at(8, 30), fin=today_at(9, 25)
    )
    objects = {"saisie_eleve": eleve, "saisie_evenement": evenement, "saisie_evenement_delete": evenement}
    from eleves.services import groupe_divisions_save

    groupe_divisions_save(etablissement=other_etablissement, nom="Lycée", divisions=[])
    for kind in KINDS.values():
        if not kind.model.objects.filter(etablissement=other_etablissement).exists():
            factory_values = {"libelle_court": "X", "libelle_long": "X", "delai_alerte_jours": 1}
            if kind.slug == "modeles-de-document":
                factory_values = {"nom": "X", "texte": "X"}
            kind.model.objects.create(etablissement=other_etablissement, **factory_values)
        obj = kind.model.objects.filter(etablissement=other_etablissement).first()
        for view in ("edit", "delete", "retire"):
            objects[kind.url_name(view)] = obj
    return objects


@pytest.mark.parametrize("url_name", _absences_routes_with_an_id())
def test_another_schools_object_is_a_404(habilitee_client, foreign_objects, url_name):
    obj = foreign_objects[url_name]
    kwarg = "eleve_id" if url_name == "saisie_eleve" else "pk"
    url = reverse(url_name, kwargs={kwarg: obj.pk})

    assert habilitee_client.get(url).status_code in (404, 405)
    assert habilitee_client.post(url, {}).status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("url_name", [k.url_name("add") for k in KINDS.values()] + ["parametrages_valeurs"])
def test_vie_scolaire_is_refused_every_parametrage_form(vie_scolaire_client, url_name):
    assert vie_scolaire_client.get(reverse(url_name)).status_code == 403
    assert vie_scolaire_client.post(reverse(url_name), {}).status_code == 403


def test_vie_scolaire_is_refused_the_model_preview(vie_scolaire_client):
    assert vie_scolaire_client.post(reverse("parametrages_modele_preview"), {"texte": "x"}).status_code == 403


def test_the_vie_scolaire_pages_answer(vie_scolaire_client, etablissement):
    for url_name in ("saisie", "appel", "suivi_alertes"):
        assert vie_scolaire_client.get(reverse(url_name)).status_code == 200
