"""Envoi aux familles (SMS à diffuser, Suivi des SMS) and Paramétrages > Fournisseur de services.

Thin views: reads come from ``sms.selectors``, writes go through ``sms.services``; every query is
filtered by the current établissement, so another school's SMS answers 404 whatever the URL.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from eleves.phones import phone_format
from etablissements.mixins import EtablissementScopedMixin
from etablissements.roles import (
    HabiliteeRequiredMixin,
    VieScolaireRequiredMixin,
    is_habilitee,
    is_vie_scolaire,
)
from sconet.ids import ids_of
from sconet.lists import SortedListMixin
from sconet.selection import CONFIRM, DeletionWords, SelectionMixin
from sms import selectors, services
from sms.forms import PhoneForm, ProviderSettingsForm, SmsSelectionForm
from sms.models import OutboundSms
from sms.services.provider_settings import provider_label

TABS = (
    ("suivi", "Suivi des SMS", "sms_tracking"),
    ("delivres", "SMS délivrés", "sms_tracking_delivered"),
    ("invalides", "SMS invalides ou non remis", "sms_tracking_failed"),
    ("synthese", "Synthèse SMS", "sms_synthese"),
)


def _require(check, request) -> None:
    if not check(request.user):
        raise PermissionDenied


class SmsListMixin(VieScolaireRequiredMixin, SortedListMixin):
    """A sortable, paginated list of SMS, "Enregistrement(s) 1 à 20, sur N trouvé(s)"."""

    context_object_name = "sms_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider_settings = selectors.provider_settings_for(etablissement=self.request.etablissement)
        context["provider_settings"] = provider_settings
        context["sending_resumes_at"] = provider_settings.sending_resumes_at(timezone.now())
        return context


class SmsWaitingView(SmsListMixin, SelectionMixin, ListView):
    """SMS à diffuser: tick, then "Diffuser les SMS sélectionnés", or "Supprimer" and confirm (the
    confirmation lists the SMS ticked that still wait; "Annuler" comes back with them ticked)."""

    template_name = "sms/waiting.html"
    selection_name = "sms"
    deletion_words = DeletionWords(
        heading="SMS à diffuser",
        noun="SMS",
        not_done="envoyés",
        kept="Les SMS supprimés restent visibles, annulés, dans « SMS invalides ou non remis ».",
    )

    def get_queryset(self):
        return selectors.sms_waiting_list(etablissement=self.request.etablissement, sort=self.sort)

    def post(self, request, *args, **kwargs):
        form = SmsSelectionForm(request.POST, etablissement=request.etablissement)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("sms", ["Sélection invalide."])))
            return redirect(self.list_url())
        ids = [sms.pk for sms in form.cleaned_data["sms"]]
        action = request.POST.get("action")
        if action == "supprimer":
            waiting = selectors.sms_waiting_list(etablissement=request.etablissement)
            return self.supprimer_confirm(ids, waiting)
        count = self._supprimer(ids) if action == CONFIRM else self._diffuser(ids)
        if count is not None:
            self.already_done(len(ids) - count)
        return redirect(self.list_url())

    def already_done(self, count: int) -> None:
        if count > 0:
            messages.warning(
                self.request,
                f"{count} SMS déjà diffusé(s) ou supprimé(s) entre-temps (par un collègue, "
                "par exemple) : rien n'a changé pour eux.",
            )

    def _supprimer(self, ids: list[int]) -> int:
        request = self.request
        count = services.sms_cancel_selected(etablissement=request.etablissement, user=request.user, ids=ids)
        if count:
            messages.success(
                request,
                f"{count} SMS supprimé(s) : ils restent visibles, annulés, "
                "dans « SMS invalides ou non remis ».",
            )
        return count

    def _diffuser(self, ids: list[int]) -> int | None:
        """How many SMS it took (released, or annulé for their responsable); None when it cannot."""
        request = self.request
        provider_settings = selectors.provider_settings_for(etablissement=request.etablissement)
        if not provider_settings.provider_code:
            messages.error(
                request,
                "Aucun fournisseur de service n'est paramétré : la personne habilitée doit le choisir "
                "dans Paramétrages > Fournisseur de services.",
            )
            return None
        outcome = services.sms_release(etablissement=request.etablissement, user=request.user, ids=ids)
        if outcome.released:
            messages.success(request, _released_message(provider_settings, outcome.released))
        if outcome.cancelled:
            messages.warning(
                request,
                f"{outcome.cancelled} SMS annulé(s) : le responsable ne peut plus recevoir de SMS "
                "(voir « SMS invalides ou non remis »).",
            )
        return outcome.released + outcome.cancelled


def _released_message(provider_settings, count: int) -> str:
    resumes_at = provider_settings.sending_resumes_at(timezone.now())
    when = (
        "diffusé(s) hors de la plage d'envoi : ils partiront le "
        + date_format(timezone.localtime(resumes_at), "l j F à H:i")
        if resumes_at
        else "en cours de diffusion"
    )
    return f"{count} SMS {when} : suivez-les dans « Suivi des SMS »."


class SmsTrackingView(SmsListMixin, ListView):
    """Suivi des SMS and its tabs SMS délivrés, SMS invalides ou non remis."""

    template_name = "sms/tracking.html"
    tab = "suivi"

    def get_queryset(self):
        return selectors.sms_tracking_list(
            etablissement=self.request.etablissement, tab=self.tab, sort=self.sort
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(tabs=TABS, tab=self.tab, **kwargs)


class SmsSyntheseView(VieScolaireRequiredMixin, TemplateView):
    """Synthèse SMS of the school year ``?annee=`` (the year it begins, one of those offered); any
    other value, or none, shows the current school year."""

    template_name = "sms/synthese.html"

    def get_context_data(self, **kwargs):
        etablissement = self.request.etablissement
        current = selectors.school_year_start(timezone.localdate())
        years = selectors.sms_synthese_years(etablissement=etablissement, current=current)
        asked = self.request.GET.get("annee", "")
        year = next((option for option in years if str(option) == asked), current)
        synthese = selectors.sms_synthese(etablissement=etablissement, year=year)
        return super().get_context_data(tabs=TABS, tab="synthese", synthese=synthese, years=years, **kwargs)


@require_POST
def sms_refresh(request):
    """ "Mettre à jour": asks the provider at once about the SMS en transit shown on the page."""
    _require(is_vie_scolaire, request)
    ids = ids_of(request.POST.getlist("sms"))
    changed = services.sms_poll_statuses(etablissement_id=request.etablissement.pk, sms_ids=ids)
    messages.success(request, f"État de diffusion mis à jour : {changed} SMS ont changé d'état.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("sms_tracking")
    return HttpResponseRedirect(next_url)


class SmsDetailView(VieScolaireRequiredMixin, EtablissementScopedMixin, DetailView):
    model = OutboundSms
    template_name = "sms/detail.html"
    context_object_name = "sms"

    def get_context_data(self, **kwargs):
        sms = self.object
        provider_settings = selectors.provider_settings_for(etablissement=sms.etablissement)
        return super().get_context_data(
            history=sms.history.all(),
            phone=phone_format(sms.phone),
            sending_resumes_at=provider_settings.sending_resumes_at(timezone.now())
            if sms.awaiting_worker
            else None,
            **kwargs,
        )


def sms_resend_view(request, pk: int):
    """Correct the number of an SMS invalide or non remis, and send it again as a new SMS."""
    _require(is_vie_scolaire, request)
    sms = get_object_or_404(
        OutboundSms.objects.select_related("responsable"), pk=pk, etablissement=request.etablissement
    )
    # The responsable's mobile when it was corrected since (a resend deleted, a fiche updated).
    known = sms.responsable.tel_mobile if sms.responsable and sms.responsable.tel_mobile else sms.phone
    form = PhoneForm(request.POST or None, initial={"phone": phone_format(known)})
    if sms.resent is not None:
        messages.info(
            request,
            f"Ce SMS a déjà été renvoyé au {phone_format(sms.resent.phone)} : voici le nouveau SMS.",
        )
        return redirect("sms_detail", pk=sms.resent.pk)
    if not sms.responsable_accepts_sms:
        messages.error(request, "Le responsable n'accepte plus les SMS : ce SMS ne peut pas être renvoyé.")
        return redirect("sms_detail", pk=sms.pk)
    if not sms.can_be_resent:
        messages.error(request, "Seul un SMS invalide, non remis ou en échec peut être renvoyé.")
        return redirect("sms_detail", pk=sms.pk)
    if request.method == "POST" and form.is_valid():
        try:
            new_sms = services.sms_resend(
                etablissement=request.etablissement,
                user=request.user,
                sms=sms,
                phone=form.cleaned_data["phone"],
            )
        except services.SmsRecipientUnreachable as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Un nouveau SMS au {phone_format(new_sms.phone)} attend dans « SMS à diffuser ».",
            )
            return redirect("sms_waiting")
    return render(request, "sms/resend.html", {"sms": sms, "form": form})


class ProviderView(HabiliteeRequiredMixin, TemplateView):
    """Consultation des paramètres du fournisseur de service."""

    template_name = "sms/provider.html"

    def get_context_data(self, **kwargs):
        etablissement = self.request.etablissement
        provider_settings = selectors.provider_settings_for(etablissement=etablissement)
        return super().get_context_data(
            provider_settings=provider_settings,
            provider_label=provider_label(provider_settings.provider_code),
            infos=selectors.provider_infos(),
            changes=selectors.provider_changes(etablissement=etablissement),
            test_form=PhoneForm(),
            **kwargs,
        )


def provider_edit(request):
    """Modification des paramètres du fournisseur de service ("Annuler", "Valider")."""
    _require(is_habilitee, request)
    etablissement = request.etablissement
    provider_settings = selectors.provider_settings_for(etablissement=etablissement)
    form = ProviderSettingsForm(
        request.POST or None,
        password_is_set=bool(provider_settings.password_encrypted),
        initial={
            "provider_code": provider_settings.provider_code,
            "login": provider_settings.login,
            "option1": provider_settings.option1,
            "option2": provider_settings.option2,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.provider_settings_update(
                etablissement=etablissement, user=request.user, **form.cleaned_data
            )
        except services.ProviderSettingsInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field, message)
        else:
            messages.success(
                request,
                f"Paramètres enregistrés ({', '.join(changed)})." if changed else "Aucune modification.",
            )
            return redirect("sms_provider")
    return render(
        request,
        "sms/provider_edit.html",
        {
            "form": form,
            "infos": selectors.provider_infos(),
            "changes": selectors.provider_changes(etablissement=etablissement),
        },
    )


def _report(request, answer) -> None:
    (messages.success if answer.ok else messages.error)(request, answer.message)


@require_POST
def provider_test(request):
    """ "Tester la connexion"."""
    _require(is_habilitee, request)
    _report(
        request, services.provider_connection_test(etablissement=request.etablissement, user=request.user)
    )
    return redirect("sms_provider")


@require_POST
def provider_test_sms_view(request):
    """ "Envoyer un SMS de test" to the number typed on the page."""
    _require(is_habilitee, request)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["phone"]))
        return redirect("sms_provider")
    answer = services.provider_test_sms(
        etablissement=request.etablissement, user=request.user, phone=form.cleaned_data["phone"]
    )
    _report(request, answer)
    return redirect("sms_provider")
