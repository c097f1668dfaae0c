"""Envoi aux familles > Courriers and Courriels.

Thin views: reads come from ``envois.selectors``, writes go through ``envois.services``; every query
is filtered by the current établissement, so another school's letter answers 404 whatever the URL.
"""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView

from etablissements.roles import VieScolaireRequiredMixin
from sconet.ids import ids_of
from sconet.lists import SortedListMixin
from sconet.selection import CONFIRM, DeletionWords, SelectionMixin

from . import selectors, services
from .forms import EnvoiSelectionForm
from .models import EnvoiKind, EnvoiState


class EnvoiListView(VieScolaireRequiredMixin, SortedListMixin, SelectionMixin, ListView):
    """One tab of Courriers or Courriels. The first tab (en attente) takes the ticked boxes:
    "Editer les courriers sélectionnés" or "Envoyer les courriels sélectionnés", and "Supprimer"
    and confirm (the confirmation lists those ticked that still wait; "Annuler" comes back with them
    ticked)."""

    kind = EnvoiKind.COURRIER
    tab = "attente"
    context_object_name = "envois"
    template_name = "envois/list.html"
    selection_name = "envoi"

    @property
    def state(self) -> str:
        return next(state for key, _, _, state in selectors.TABS[self.kind] if key == self.tab)

    def get_queryset(self):
        return selectors.envois_list(
            etablissement=self.request.etablissement, kind=self.kind, state=self.state, sort=self.sort
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tabs=[(key, label, url_name) for key, label, url_name, _ in selectors.TABS[self.kind]],
            tab=self.tab,
            noun=self.kind.noun,
            # Ticked to be edited, sent or deleted (en attente), or printed again (Courriers édités).
            selectable=self.tab in ("attente", "edites"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.kind == EnvoiKind.COURRIER and self.tab == "edites":
            return self.reprint(request)
        if self.state != EnvoiState.WAITING:
            return HttpResponseNotAllowed(["GET"])
        noun = self.kind.noun
        form = EnvoiSelectionForm(
            request.POST, etablissement=request.etablissement, kind=self.kind, noun=noun
        )
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["envoi"]))
            return redirect(self.list_url())
        ids = [envoi.pk for envoi in form.cleaned_data["envoi"]]
        action = request.POST.get("action")
        if action == "supprimer":
            waiting = selectors.envois_list(
                etablissement=request.etablissement, kind=self.kind, state=EnvoiState.WAITING
            )
            return self.supprimer_confirm(ids, waiting)
        if action == CONFIRM:
            count = services.envois_cancel_selected(
                etablissement=request.etablissement, user=request.user, kind=self.kind, ids=ids
            )
            if count:
                messages.success(
                    request,
                    f"{count} {noun}(s) supprimé(s) : ils restent visibles dans « {self.cancelled_tab} ».",
                )
        elif action != self.main_action:
            messages.error(
                request,
                f"Choisissez ce que vous voulez faire des {noun}s cochés : rien n'a été fait.",
            )
            return redirect(self.list_url(selected=ids))
        elif self.kind == EnvoiKind.COURRIER:
            return self.editer(ids)
        else:
            count = services.courriels_release(
                etablissement=request.etablissement, user=request.user, ids=ids
            )
            if count:
                messages.success(
                    request, f"{count} courriel(s) en cours d'envoi : suivez-les dans « Courriels envoyés »."
                )
        self.already_done(len(ids) - count)
        return redirect(self.list_url())

    @property
    def main_action(self) -> str:
        """The button of the first tab: « Editer les courriers sélectionnés » or « Envoyer les
        courriels sélectionnés »."""
        return "editer" if self.kind == EnvoiKind.COURRIER else "envoyer"

    @property
    def cancelled_tab(self) -> str:
        return f"{self.kind.noun.capitalize()}s annulés"

    @property
    def deletion_words(self) -> DeletionWords:
        noun = self.kind.noun
        return DeletionWords(
            heading=f"{noun.capitalize()}s",
            noun=f"{noun}(s)",
            not_done="édités" if self.kind == EnvoiKind.COURRIER else "envoyés",
            kept=f"Les {noun}s supprimés restent visibles dans « {self.cancelled_tab} ».",
        )

    def already_done(self, count: int) -> None:
        if count:
            noun = self.kind.noun
            messages.warning(
                self.request,
                f"{count} {noun}(s) déjà {'édité' if self.kind == EnvoiKind.COURRIER else 'envoyé'}(s) ou "
                "supprimé(s) entre-temps (par un collègue, par exemple) : rien n'a changé pour eux.",
            )

    def editer(self, ids: list[int]):
        request = self.request
        edition = services.courriers_edit(etablissement=request.etablissement, user=request.user, ids=ids)
        self.already_done(len(ids) - edition.edited)
        if not edition.edited:
            return redirect(self.list_url())
        messages.success(
            request,
            f"{edition.edited} courrier(s) édité(s) : imprimez-les ; ils restent dans « Courriers édités ».",
        )
        return redirect(f"{reverse('courriers_impression')}?{urlencode({'edition': edition.token})}")

    def reprint(self, request):
        """ "Imprimer à nouveau" the ticked letters of Courriers édités."""
        ids = ids_of(request.POST.getlist("envoi"))
        if not ids:
            messages.error(request, "Cochez au moins un courrier.")
            return redirect(request.get_full_path())
        return redirect(f"{reverse('courriers_impression')}?{urlencode({'courrier': ids}, doseq=True)}")


class CourriersPrintView(VieScolaireRequiredMixin, View):
    """The printable letters: one A4 page each, the address placed for a window envelope; the browser
    prints them. ``?edition=`` a click on "Editer", or ``?courrier=`` letters édités, printed again."""

    def get(self, request):
        ids = ids_of(request.GET.getlist("courrier"))
        edition = request.GET.get("edition", "")
        if not (ids or edition):
            return redirect("courriers_edites")
        courriers = selectors.courriers_to_print(
            etablissement=request.etablissement, edition=edition, ids=ids
        )
        return render(
            request,
            "envois/impression.html",
            {"courriers": courriers, "etablissement": request.etablissement},
        )
