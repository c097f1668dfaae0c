from django.urls import path

from . import views
from .models import EnvoiKind
from .selectors import TABS


def _tabs(kind: str, prefix: str):
    for index, (key, _label, url_name, _state) in enumerate(TABS[kind]):
        route = "" if index == 0 else f"{key.replace('_', '-')}/"
        yield path(f"{prefix}/{route}", views.EnvoiListView.as_view(kind=kind, tab=key), name=url_name)


urlpatterns = [
    *_tabs(EnvoiKind.COURRIER, "courriers"),
    path("courriers/impression/", views.CourriersPrintView.as_view(), name="courriers_impression"),
    *_tabs(EnvoiKind.COURRIEL, "courriels"),
]
