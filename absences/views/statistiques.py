"""Statistiques: the absences and retards of a period per division and per motif, the pupils whose
absenteeism is to be reported, and the CSV export of the tables."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from etablissements.roles import VieScolaireRequiredMixin
from sconet.spreadsheet import csv_response

from .. import statistiques
from ..forms.statistiques import StatistiquesForm
from ..services import parametrages_ensure

SIGNALEMENTS_PAGE_SIZE = 50


class StatistiquesView(VieScolaireRequiredMixin, View):
    template_name = "absences/statistiques.html"

    def get(self, request):
        etablissement = request.etablissement
        valeurs = parametrages_ensure(etablissement=etablissement)
        period = statistiques.default_period(
            annee_debut=valeurs.annee_debut, annee_fin=valeurs.annee_fin, today=timezone.localdate()
        )
        form = StatistiquesForm(request.GET, etablissement=etablissement, period=period)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        filters = form.cleaned_data
        stats = statistiques.statistiques(
            etablissement=etablissement, du=filters["du"], au=filters["au"], division=filters["division"]
        )
        if request.GET.get("format") == "csv":
            return csv_response(
                filename=statistiques.csv_filename(stats),
                rows=statistiques.csv_rows(stats, filters["type"], division=filters["division"]),
            )
        context = {
            "form": form,
            "stats": stats,
            "tables": statistiques.tables(stats, filters["type"]),
            "with_absences": filters["type"] != statistiques.EventKind.RETARDS,
            "threshold": statistiques.SIGNALEMENT_THRESHOLD,
            "page_obj": Paginator(stats.signalements, SIGNALEMENTS_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
        }
        return render(request, self.template_name, context)
