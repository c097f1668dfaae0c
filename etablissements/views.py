from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from .forms import EtablissementChoiceForm, JournalFilterForm
from .middleware import SESSION_KEY
from .roles import HabiliteeRequiredMixin
from .selectors import audit_journal, audit_usernames, etablissements_for_user

JOURNAL_PAGE_SIZE = 20


def choose(request):
    """Picks the établissement to work in, for a user attached to several."""
    form = EtablissementChoiceForm(
        request.POST or None, etablissements=etablissements_for_user(user=request.user)
    )
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["etablissement"].pk
        return redirect(next_url or "home")
    return render(request, "etablissements/choose.html", {"form": form, "next": next_url})


class JournalView(HabiliteeRequiredMixin, TemplateView):
    """Journal des opérations: what was done in this établissement, by whom, newest first."""

    template_name = "etablissements/journal.html"

    def get_context_data(self, **kwargs):
        etablissement = self.request.etablissement
        form = JournalFilterForm(
            self.request.GET or None, usernames=audit_usernames(etablissement=etablissement)
        )
        filters = form.filters()
        page = None
        if filters is not None:
            entries = audit_journal(etablissement=etablissement, **filters)
            page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(form=form, page_obj=page, **kwargs)
