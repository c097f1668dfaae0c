from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from etablissements.views import JournalView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("aide/", views.AideView.as_view(), name="aide"),
    path("quoi-de-neuf/", views.QuoiDeNeufView.as_view(), name="quoi_de_neuf"),
    path("informations-pratiques/", views.InformationsPratiquesView.as_view(), name="informations_pratiques"),
    path("healthz", views.healthz, name="healthz"),
    path("etablissement/", include("etablissements.urls")),
    # Not under etablissement/, whose pages work before a school is picked: this one needs it.
    path("journal/", JournalView.as_view(), name="journal"),
    path("eleves/", include("eleves.urls")),
    path("absences/", include("absences.urls")),
    path("sms/", include("sms.urls")),
    path("envois/", include("envois.urls")),
    path("admin/", admin.site.urls),
]
