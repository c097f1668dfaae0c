"""Paramétrages (personne habilitée only): one set of views for every list, Valeurs par défaut and the
Coordonnées de l'établissement."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from etablissements.models import Etablissement
from etablissements.roles import HabiliteeRequiredMixin, is_habilitee
from etablissements.services import audit_record, etablissement_coordonnees_update

from .. import rendering
from ..forms.coordonnees import CoordonneesForm
from ..forms.valeurs import ValeursParDefautForm
from ..modele_preview import preview_for
from ..parametrages import KINDS
from ..services import parametrages_ensure, valeurs_par_defaut_update


class KindMixin(HabiliteeRequiredMixin):
    """The list named by the URL (``kind``), limited to the current établissement."""

    def dispatch(self, request, *args, **kwargs):
        self.kind = KINDS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        parametrages_ensure(etablissement=self.request.etablissement)
        return self.kind.queryset(etablissement=self.request.etablissement)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def list_url(self) -> str:
        return reverse(self.kind.url_name("list"))

    def journal(self, verb: str, obj) -> None:
        audit_record(
            etablissement=self.request.etablissement,
            user=self.request.user,
            action=f"absences.parametrage_{verb}",
            summary=f"{self.kind.title} : « {obj} » {verb}",
            details={"liste": self.kind.slug, "id": obj.pk},
        )


class ParametrageListView(KindMixin, ListView):
    template_name = "absences/parametrages/list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["rows"] = [
            (obj, [(c, c.value(obj)) for c in self.kind.columns]) for obj in context["object_list"]
        ]
        return context


class ParametrageFormView(KindMixin, View):
    """Add (no ``pk``) or modify (``pk``) an item of the list."""

    def form(self, data=None):
        instance = self.get_object() if "pk" in self.kwargs else None
        return self.kind.form_class(data, instance=instance, etablissement=self.request.etablissement)

    def render(self, form):
        return render(
            self.request,
            self.kind.form_template,
            {"kind": self.kind, "form": form, "variables": rendering.VARIABLES},
        )

    def get(self, request, **kwargs):
        return self.render(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        with transaction.atomic():
            created = form.instance.pk is None
            obj = form.save()
            self.journal("ajouté" if created else "modifié", obj)
        messages.success(request, f"« {obj} » enregistré.")
        return redirect(self.list_url())


class ParametrageDeleteView(KindMixin, View):
    def post(self, request, **kwargs):
        obj = self.get_object()
        if getattr(obj, "in_use", False):
            messages.error(
                request,
                f"« {obj} » est utilisé : il ne peut pas être supprimé, seulement retiré.",
            )
            return redirect(self.list_url())
        with transaction.atomic():
            self.journal("supprimé", obj)
            obj.delete()
        messages.success(request, f"« {obj} » supprimé.")
        return redirect(self.list_url())


class ParametrageRetireView(KindMixin, View):
    """Retires an item (no longer offered, kept on what uses it), or puts it back."""

    def post(self, request, **kwargs):
        obj = self.get_object()
        obj.actif = not obj.actif
        with transaction.atomic():
            obj.save(update_fields=["actif"])
            self.journal("rétabli" if obj.actif else "retiré", obj)
        messages.success(request, f"« {obj} » {'rétabli' if obj.actif else 'retiré'}.")
        return redirect(self.list_url())


class ValeursParDefautView(HabiliteeRequiredMixin, View):
    template_name = "absences/parametrages/valeurs.html"

    def get(self, request):
        form = ValeursParDefautForm(
            initial=ValeursParDefautForm.initial_for(etablissement=request.etablissement)
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ValeursParDefautForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        valeurs_par_defaut_update(etablissement=request.etablissement, user=request.user, **form.cleaned_data)
        messages.success(request, "Valeurs par défaut enregistrées.")
        return redirect("parametrages_valeurs")


class CoordonneesView(HabiliteeRequiredMixin, View):
    """The school's address and contact, for the letterhead of courriers and bilans."""

    template_name = "absences/parametrages/coordonnees.html"

    def form(self, data=None) -> CoordonneesForm:
        # A copy of its own: validating a ModelForm writes into its instance, and the service compares
        # the school as it is with what was typed.
        return CoordonneesForm(data, instance=Etablissement.objects.get(pk=self.request.etablissement.pk))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        changed = etablissement_coordonnees_update(
            etablissement=request.etablissement, user=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            f"Coordonnées enregistrées ({', '.join(changed)})." if changed else "Aucune modification.",
        )
        return redirect("parametrages_coordonnees")


@require_POST
def modele_preview(request):
    """The model editor's live preview: the text rendered on a real pupil, its length and its cost."""
    if not is_habilitee(request.user):
        raise PermissionDenied
    return JsonResponse(preview_for(etablissement=request.etablissement, texte=request.POST.get("texte", "")))
