from django.urls import path

from . import views

urlpatterns = [
    path("choisir/", views.choose, name="etablissement_choose"),
]
