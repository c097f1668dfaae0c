import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, TemplateView, View

from etablissements.mixins import EtablissementScopedMixin
from etablissements.roles import HabiliteeRequiredMixin, VieScolaireRequiredMixin
from sconet.spreadsheet import csv_response

from .forms import DivisionFilterForm, FichesIndividuellesForm, ResponsableForm, SiecleUploadForm
from .models import Eleve, Lien, SiecleImport
from .phones import phone_format
from .selectors import eleve_liens, eleves_search, responsables_legaux_sans_sms, siecle_imports
from .services import responsable_update, siecle_import
from .siecle.reader import SiecleFileError

PAGE_SIZE = 50


class FichesIndividuellesView(VieScolaireRequiredMixin, TemplateView):
    """Fiches élèves > Fiches individuelles: Nom, Prénom, classe, "chercher"."""

    template_name = "eleves/fiches_individuelles.html"

    def get_context_data(self, **kwargs):
        form = FichesIndividuellesForm(self.request.GET or None, etablissement=self.request.etablissement)
        page = None
        if form.is_bound and form.is_valid():
            division = form.cleaned_data["division"]
            eleves = eleves_search(
                etablissement=self.request.etablissement,
                nom=form.cleaned_data["nom"],
                prenom=form.cleaned_data["prenom"],
                division_id=division.pk if division else None,
                include_left=form.cleaned_data["sortis"],
            )
            page = Paginator(eleves, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(form=form, page=page, **kwargs)


class EleveFicheView(VieScolaireRequiredMixin, EtablissementScopedMixin, DetailView):
    """The pupil's fiche, with the tabs Identification, Scolarité, Responsables."""

    model = Eleve
    template_name = "eleves/eleve_fiche.html"
    context_object_name = "eleve"
    tabs = (
        ("identification", "Identification", "eleves:fiche"),
        ("scolarite", "Scolarité", "eleves:fiche_scolarite"),
        ("responsables", "Responsables", "eleves:fiche_responsables"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("division")

    def get_context_data(self, **kwargs):
        tab = self.kwargs.get("onglet", "identification")
        liens = eleve_liens(eleve=self.object) if tab == "responsables" else []
        return super().get_context_data(tab=tab, tabs=self.tabs, liens=liens, **kwargs)


class ResponsableUpdateView(VieScolaireRequiredMixin, FormView):
    """The responsable form of the seed, opened by "Modifier" on the Responsables tab."""

    template_name = "eleves/responsable_form.html"
    form_class = ResponsableForm

    @cached_property
    def lien(self) -> Lien:
        return get_object_or_404(
            Lien.objects.select_related("eleve__division", "responsable"),
            eleve_id=self.kwargs["eleve_pk"],
            responsable_id=self.kwargs["pk"],
            eleve__etablissement=self.request.etablissement,
        )

    def get_form_kwargs(self):
        # The form works on a copy: a refused submission must not change the responsable the page shows.
        instance = copy.copy(self.lien.responsable)
        return {**super().get_form_kwargs(), "instance": instance, "lien": self.lien}

    def get_context_data(self, **kwargs):
        responsable = self.lien.responsable
        return super().get_context_data(
            lien=self.lien,
            eleve=self.lien.eleve,
            responsable=responsable,
            consent_changes=responsable.consent_changes.all()[:50],
            **kwargs,
        )

    def form_valid(self, form):
        responsable_update(
            lien=self.lien,
            user=self.request.user,
            responsable_values=form.responsable_values,
            lien_values=form.lien_values,
        )
        messages.success(self.request, "Les modifications du responsable sont enregistrées.")
        return redirect("eleves:fiche_responsables", pk=self.lien.eleve_id)


class ResponsablesSansSmsView(VieScolaireRequiredMixin, View):
    """For the CPE: the responsables légaux whom no SMS can reach, and why, per division; CSV export."""

    def get(self, request):
        form = DivisionFilterForm(request.GET or None, etablissement=request.etablissement)
        division = form.cleaned_data["division"] if form.is_bound and form.is_valid() else None
        rows = responsables_legaux_sans_sms(
            etablissement=request.etablissement, division_id=division.pk if division else None
        )
        if request.GET.get("format") == "csv":
            return self.csv_response(rows)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"form": form, "page": page}
        return render(request, "eleves/responsables_sans_sms.html", context)

    def csv_response(self, rows):
        header = ["Division", "Élève", "Responsable", "Qualités", "Tél. Mobile", "Raison"]
        lines = (
            [
                lien.eleve.division.code if lien.eleve.division else "",
                f"{lien.eleve.nom} {lien.eleve.prenom}",
                str(lien.responsable),
                lien.qualites_label,
                phone_format(lien.responsable.tel_mobile),
                reach.reason,
            ]
            for lien, reach in rows
        )
        return csv_response(filename="responsables-sans-sms.csv", rows=[header, *lines])


class ImportExportView(HabiliteeRequiredMixin, FormView):
    """Import/Export: upload a SIECLE export, then read the report."""

    template_name = "eleves/import_export.html"
    form_class = SiecleUploadForm

    def get_context_data(self, **kwargs):
        imports = siecle_imports(etablissement=self.request.etablissement)[:10]
        return super().get_context_data(imports=imports, **kwargs)

    def form_valid(self, form):
        try:
            result = siecle_import(
                etablissement=self.request.etablissement, files=form.files_read(), user=self.request.user
            )
        except SiecleFileError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("eleves:import_report", pk=result.pk)


class SiecleImportReportView(HabiliteeRequiredMixin, EtablissementScopedMixin, DetailView):
    model = SiecleImport
    template_name = "eleves/import_report.html"
    context_object_name = "siecle_import"
