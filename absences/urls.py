from django.urls import path

from .parametrages import KINDS
from .views import appel, parametrages, saisie, suivi


def _parametrage_urls():
    """The same five views for every Paramétrages list, under its menu slug."""
    for slug, kind in KINDS.items():
        prefix, extra = f"parametrages/{slug}/", {"kind": slug}
        yield path(prefix, parametrages.ParametrageListView.as_view(), extra, name=kind.url_name("list"))
        yield path(
            f"{prefix}ajouter/", parametrages.ParametrageFormView.as_view(), extra, name=kind.url_name("add")
        )
        yield path(
            f"{prefix}<int:pk>/",
            parametrages.ParametrageFormView.as_view(),
            extra,
            name=kind.url_name("edit"),
        )
        yield path(
            f"{prefix}<int:pk>/supprimer/",
            parametrages.ParametrageDeleteView.as_view(),
            extra,
            name=kind.url_name("delete"),
        )
        yield path(
            f"{prefix}<int:pk>/retirer/",
            parametrages.ParametrageRetireView.as_view(),
            extra,
            name=kind.url_name("retire"),
        )


urlpatterns = [
    *_parametrage_urls(),
    path(
        "parametrages/modeles-de-document/apercu/",
        parametrages.modele_preview,
        name="parametrages_modele_preview",
    ),
    path(
        "parametrages/valeurs-par-defaut/",
        parametrages.ValeursParDefautView.as_view(),
        name="parametrages_valeurs",
    ),
    path("saisie/", saisie.EleveChoiceView.as_view(), name="saisie"),
    path("saisie/eleve/<int:eleve_id>/", saisie.EvenementCreateView.as_view(), name="saisie_eleve"),
    path("saisie/evenement/<int:pk>/", saisie.EvenementUpdateView.as_view(), name="saisie_evenement"),
    path(
        "saisie/evenement/<int:pk>/supprimer/",
        saisie.EvenementDeleteView.as_view(),
        name="saisie_evenement_delete",
    ),
    path("appel/", appel.AppelView.as_view(), name="appel"),
    path("suivi/alertes/", suivi.AlertesView.as_view(), name="suivi_alertes"),
]
