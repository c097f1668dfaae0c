from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import EtablissementChoiceForm
from .middleware import SESSION_KEY
from .selectors import etablissements_for_user


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
