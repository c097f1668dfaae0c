"""Documents (vie scolaire, CPE): the bilan des absences of a division or a pupil over a period, and the
liste des absents du jour, both as printable pages."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from etablissements.roles import VieScolaireRequiredMixin

from .. import documents
from ..forms.documents import AbsentsForm, BilanForm
from ..services import parametrages_ensure
from ..statistiques import default_period


class DocumentsMixin(VieScolaireRequiredMixin):
    index_template = "absences/documents/index.html"

    def index(self, *, bilan_form=None, absents_form=None):
        """The Documents page: both forms, one of them as sent back with its errors."""
        etablissement = self.request.etablissement
        if bilan_form is None:
            valeurs = parametrages_ensure(etablissement=etablissement)
            du, au = default_period(
                annee_debut=valeurs.annee_debut, annee_fin=valeurs.annee_fin, today=timezone.localdate()
            )
            bilan_form = BilanForm(initial={"du": du, "au": au}, etablissement=etablissement)
        context = {"bilan_form": bilan_form, "absents_form": absents_form or AbsentsForm({})}
        return render(self.request, self.index_template, context)


class DocumentsView(DocumentsMixin, View):
    def get(self, request):
        return self.index()


class BilanView(DocumentsMixin, View):
    def get(self, request):
        etablissement = request.etablissement
        form = BilanForm(request.GET, etablissement=etablissement)
        if not form.is_valid():
            return self.index(bilan_form=form)
        choice = form.cleaned_data
        eleves = list(
            documents.bilan_eleves(
                etablissement=etablissement, du=choice["du"], division=choice["division"], nom=choice["eleve"]
            )
        )
        if not eleves:
            form.add_error("eleve", "Aucun élève ne correspond : vérifiez la division et le nom.")
            return self.index(bilan_form=form)
        bilan = documents.bilan(
            etablissement=etablissement,
            modele=choice["modele"],
            du=choice["du"],
            au=choice["au"],
            eleves=eleves,
        )
        return render(request, "absences/documents/bilan.html", {"bilan": bilan})


class AbsentsView(DocumentsMixin, View):
    def get(self, request):
        form = AbsentsForm(request.GET)
        if not form.is_valid():
            return self.index(absents_form=form)
        jour = form.cleaned_data["jour"]
        groups = documents.absents_du_jour(etablissement=request.etablissement, jour=jour)
        return render(request, "absences/documents/absents.html", {"jour": jour, "groups": groups})
