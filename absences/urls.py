from django.urls import path

from .parametrages import KINDS
from .views import appel, documents, parametrages, saisie, statistiques, suivi


def _parametrage_urls():
    """The same five views for every Paramétrages list, under its menu slug."""
    views = (
        ("list", "", parametrages.ParametrageListView),
        ("add", "ajouter/", parametrages.ParametrageFormView),
        ("edit", "<int:pk>/", parametrages.ParametrageFormView),
        ("delete", "<int:pk>/supprimer/", parametrages.ParametrageDeleteView),
        ("retire", "<int:pk>/retirer/", parametrages.ParametrageRetireView),
    )
    for slug, kind in KINDS.items():
        for name, route, view in views:
            yield path(
                f"parametrages/{slug}/{route}", view.as_view(), {"kind": slug}, name=kind.url_name(name)
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
    path("statistiques/", statistiques.StatistiquesView.as_view(), name="statistiques"),
    path("documents/", documents.DocumentsView.as_view(), name="documents"),
    path("documents/bilan/", documents.BilanView.as_view(), name="documents_bilan"),
    path("documents/absents/", documents.AbsentsView.as_view(), name="documents_absents"),
]
