"""Suivi: the events whose family has not answered within the action's délai after the SMS was délivré."""

from django.utils import timezone
from django.views.generic import ListView

from etablissements.roles import VieScolaireRequiredMixin

from .. import selectors


class AlertesView(VieScolaireRequiredMixin, ListView):
    template_name = "absences/suivi/alertes.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.alertes(etablissement=self.request.etablissement, now=timezone.now())
