from django.urls import path

from . import views

app_name = "eleves"

urlpatterns = [
    path("fiches/", views.FichesIndividuellesView.as_view(), name="fiches"),
    path("<int:pk>/", views.EleveFicheView.as_view(), name="fiche"),
    path(
        "<int:pk>/scolarite/", views.EleveFicheView.as_view(), {"onglet": "scolarite"}, name="fiche_scolarite"
    ),
    path(
        "<int:pk>/responsables/",
        views.EleveFicheView.as_view(),
        {"onglet": "responsables"},
        name="fiche_responsables",
    ),
    path(
        "<int:eleve_pk>/responsables/<int:pk>/modifier/",
        views.ResponsableUpdateView.as_view(),
        name="responsable_modifier",
    ),
    path("responsables-sans-sms/", views.ResponsablesSansSmsView.as_view(), name="responsables_sans_sms"),
    path("import/", views.ImportExportView.as_view(), name="import_export"),
    path("import/<int:pk>/", views.SiecleImportReportView.as_view(), name="import_report"),
]
