"""Appel: a division, a slot, the absent pupils ticked and the late ones by their arrival time, an
action for the absences and one for the retards."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from eleves.models import Division, Eleve
from etablissements.roles import VieScolaireRequiredMixin
from sconet.ids import id_or_none
from sms.selectors import provider_is_configured

from .. import rendering, selectors, services
from ..forms.saisie import AppelForm
from ..models import Evenement, EvenementType, Horaire
from .outcome import outcome_report


@dataclass(frozen=True)
class AppelRow:
    """A pupil of the class, with the event already recorded on the slot if any (then shown, not
    entered again): an absence ticked, a retard by its arrival."""

    eleve: Eleve
    arrival: BoundField
    recorded: str = ""
    recorded_absent: bool = False
    recorded_arrival: str = ""

    @classmethod
    def of(cls, eleve: Eleve, arrival: BoundField, evenement: Evenement | None) -> "AppelRow":
        if evenement is None:
            return cls(eleve, arrival)
        retard = evenement.type == EvenementType.RETARD
        return cls(
            eleve,
            arrival,
            recorded=rendering.evenement_label(evenement),
            recorded_absent=not retard,
            recorded_arrival=f"{timezone.localtime(evenement.fin):%H:%M}" if retard else "",
        )


class AppelView(VieScolaireRequiredMixin, View):
    template_name = "absences/appel.html"

    def form(self, data, *, bound: bool = True):
        etablissement = self.request.etablissement
        services.parametrages_ensure(etablissement=etablissement)
        divisions = Division.objects.filter(etablissement=etablissement)
        division_id = id_or_none(data.get("division"))
        division = divisions.filter(pk=division_id).first() if division_id else None
        self.eleves = (
            list(selectors.eleves_search(etablissement=etablissement, division=division)) if division else []
        )
        actions = selectors.actions_offered(
            etablissement=etablissement, sms_possible=provider_is_configured(etablissement=etablissement)
        )
        return AppelForm(
            data if bound else None,
            initial=None if bound else {**self._actions_initial(actions), **data.dict()},
            divisions=divisions,
            horaires=Horaire.objects.filter(etablissement=etablissement, actif=True),
            actions=actions,
            eleves=self.eleves,
        )

    def _actions_initial(self, actions) -> dict:
        """The actions this user chose at their last appel (AUCUNE included) while still offered; the
        first time, AUCUNE for the absences and, for the retards, the action that says when they arrived."""
        remembered = selectors.appel_actions_remembered(
            etablissement=self.request.etablissement, user=self.request.user
        )
        if remembered is None:
            return {"action": None, "retard_action": selectors.action_for_retards(actions=actions)}
        offered = set(actions.filter(pk__in=remembered.values()).values_list("pk", flat=True))
        return {field: pk if pk in offered else None for field, pk in remembered.items()}

    def _already_recorded(self, form) -> dict:
        """The pupils of the class already recorded on the chosen slot, shown so and not ticked again
        (the slot as the form reads it; nothing while it cannot)."""
        data = form.data or form.initial
        horaire_pk, day = id_or_none(data.get("horaire")), data.get("date") or timezone.localdate()
        horaire = form.fields["horaire"].queryset.filter(pk=horaire_pk).first() if horaire_pk else None
        try:
            day = day if isinstance(day, date) else date.fromisoformat(day)
        except ValueError:
            return {}
        if not (self.eleves and horaire):
            return {}
        return selectors.appel_already_recorded(eleves=self.eleves, day=day, horaire=horaire)

    def render(self, form, status=200):
        already = self._already_recorded(form)
        rows = [AppelRow.of(eleve, form.arrival_field(eleve), already.get(eleve.pk)) for eleve in self.eleves]
        return render(
            self.request,
            self.template_name,
            {"form": form, "eleves": self.eleves, "rows": rows},
            status=status,
        )

    def get(self, request):
        return self.render(self.form(request.GET, bound=False))

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            eleves, arrivals = form.recorded()
            if not eleves:
                form.add_error(
                    "absents",
                    "Cochez les élèves absents, ou indiquez l'heure d'arrivée des élèves en retard.",
                )
            else:
                try:
                    outcome = services.appel_record(
                        etablissement=request.etablissement,
                        user=request.user,
                        eleves=eleves,
                        horaire=form.cleaned_data["horaire"],
                        day=form.cleaned_data["date"],
                        token=form.cleaned_data["token"],
                        action=form.cleaned_data["action"],
                        retard_action=form.cleaned_data["retard_action"],
                        arrivals=arrivals,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    outcome_report(request, outcome)
                    services.appel_actions_remember(
                        etablissement=request.etablissement,
                        user=request.user,
                        action=form.cleaned_data["action"],
                        retard_action=form.cleaned_data["retard_action"],
                    )
                    # Back to the same class and slot: it shows who is now recorded.
                    slot = {
                        "division": form.cleaned_data["division"].pk,
                        "date": form.cleaned_data["date"].isoformat(),
                        "horaire": form.cleaned_data["horaire"].pk,
                    }
                    return redirect(f"{reverse('appel')}?{urlencode(slot)}")
        return self.render(form, status=400)
