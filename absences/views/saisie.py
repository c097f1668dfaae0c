"""Saisie et Modification > Absences et retards: choose the pupil, enter or modify an event."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from eleves.models import Division, Eleve
from envois.selectors import envois_for_event, envois_waiting_count_for_event
from etablissements.roles import VieScolaireRequiredMixin
from sconet.ids import id_or_none
from sms.selectors import provider_is_configured, sms_for_event, sms_waiting_count_for_event

from .. import rendering, selectors, services
from ..forms.saisie import EvenementForm
from ..models import Evenement
from .outcome import outcome_report


class EleveChoiceView(VieScolaireRequiredMixin, ListView):
    """Choose the pupil by name or division."""

    template_name = "absences/saisie/choice.html"
    paginate_by = 50

    def get_queryset(self):
        etablissement = self.request.etablissement
        self.divisions = Division.objects.filter(etablissement=etablissement)
        division_id = id_or_none(self.request.GET.get("division"))
        self.division = self.divisions.filter(pk=division_id).first() if division_id else None
        self.query = self.request.GET.get("q", "").strip()
        if not self.query and self.division is None:
            return Eleve.objects.none()
        return selectors.eleves_search(etablissement=etablissement, query=self.query, division=self.division)

    def get_context_data(self, **kwargs):
        searched = "q" in self.request.GET or "division" in self.request.GET
        return super().get_context_data(
            divisions=self.divisions,
            division=self.division,
            query=self.query,
            without_criteria=searched and not self.query and self.division is None,
            **kwargs,
        )


def _week_day(request, default: date) -> date:
    try:
        return date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        return default


class EvenementPage(VieScolaireRequiredMixin, View):
    """The entry form, the pupil's week grid below it and the Historique des actions."""

    template_name = "absences/saisie/evenement.html"
    evenement: Evenement | None = None

    def form(self, data=None):
        etablissement = self.request.etablissement
        services.parametrages_ensure(etablissement=etablissement)
        self.horaires = selectors.horaires_for(etablissement=etablissement)
        self.destinataires = selectors.destinataires_for_eleves(eleves=[self.eleve])[self.eleve.pk]
        actions = selectors.actions_offered(
            etablissement=etablissement, sms_possible=provider_is_configured(etablissement=etablissement)
        )
        return EvenementForm(
            data,
            etablissement=etablissement,
            horaires=self.horaires,
            destinataires=self.destinataires,
            actions=actions,
            evenement=self.evenement,
        )

    def render(self, form, status=200):
        day = timezone.localtime(self.evenement.debut).date() if self.evenement else timezone.localdate()
        context = {
            "eleve": self.eleve,
            "evenement": self.evenement,
            "form": form,
            "grid": selectors.week_grid(
                eleve=self.eleve, horaires=self.horaires, day=_week_day(self.request, day)
            ),
            "historique": selectors.evenement_actions(evenement=self.evenement) if self.evenement else [],
            "sms_list": (
                sms_for_event(etablissement=self.request.etablissement, event_key=self.evenement.event_key)
                if self.evenement
                else []
            ),
            "envois": (
                envois_for_event(etablissement=self.request.etablissement, event_key=self.evenement.event_key)
                if self.evenement
                else []
            ),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        return self.render(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                outcome = self.save(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                outcome_report(request, outcome)
                return redirect("saisie_evenement", pk=outcome.evenement.pk)
        return self.render(form, status=400)

    def save(self, form) -> services.ActionOutcome:
        raise NotImplementedError


class EvenementCreateView(EvenementPage):
    def dispatch(self, request, *args, **kwargs):
        self.eleve = get_object_or_404(
            Eleve.objects.select_related("division"),
            pk=kwargs["eleve_id"],
            etablissement=request.etablissement,
        )
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        return services.evenement_record(
            etablissement=self.request.etablissement,
            user=self.request.user,
            eleve=self.eleve,
            data=form.evenement_data(),
            token=form.cleaned_data["token"],
            action=form.cleaned_data["action"],
            destinataires=form.cleaned_data["destinataires"],
        )


def _evenement_or_404(request, pk) -> Evenement:
    return get_object_or_404(
        Evenement.objects.select_related("eleve__division", "etablissement", "motif"),
        pk=pk,
        etablissement=request.etablissement,
    )


class EvenementUpdateView(EvenementPage):
    def dispatch(self, request, *args, **kwargs):
        self.evenement = _evenement_or_404(request, kwargs["pk"])
        self.eleve = self.evenement.eleve
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        return services.evenement_update(
            etablissement=self.request.etablissement,
            user=self.request.user,
            evenement=self.evenement,
            data=form.evenement_data(),
            token=form.cleaned_data["token"],
            action=form.cleaned_data["action"],
            destinataires=form.cleaned_data["destinataires"],
        )


class EvenementDeleteView(VieScolaireRequiredMixin, View):
    """ "Supprimer l'évènement": a page says what goes with it (its SMS still waiting are annulés);
    only its "Confirmer" deletes."""

    def get(self, request, pk):
        evenement = _evenement_or_404(request, pk)
        waiting = sms_waiting_count_for_event(
            etablissement=request.etablissement, event_key=evenement.event_key
        )
        return render(
            request,
            "absences/saisie/evenement_delete.html",
            {
                "evenement": evenement,
                "eleve": evenement.eleve,
                "label": rendering.evenement_label(evenement),
                "waiting": waiting,
                "envois_waiting": envois_waiting_count_for_event(
                    etablissement=request.etablissement, event_key=evenement.event_key
                ),
            },
        )

    def post(self, request, pk):
        evenement = _evenement_or_404(request, pk)
        eleve_id = evenement.eleve_id
        cancelled = services.evenement_delete(
            etablissement=request.etablissement, user=request.user, evenement=evenement
        )
        messages.success(
            request,
            "Évènement supprimé." + (f" {cancelled} SMS en attente annulé(s)." if cancelled else ""),
        )
        return redirect("saisie_eleve", eleve_id=eleve_id)
