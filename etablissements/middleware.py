from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from .selectors import etablissements_for_user

SESSION_KEY = "etablissement_id"
# Paths that work without a current établissement.
EXEMPT_PREFIXES = ("/etablissement/", "/connexion/", "/deconnexion/", "/admin/", "/healthz", "/static/")


class CurrentEtablissementMiddleware:
    """Sets ``request.etablissement``: the user's only établissement, or the one they picked.

    A user attached to several is sent to the chooser until they pick one; a user attached to none
    is refused. Nothing of an établissement the user is not attached to is ever reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.etablissement = None
        request.user_etablissements = []
        if not request.user.is_authenticated:
            return self.get_response(request)

        allowed = list(etablissements_for_user(user=request.user))
        request.user_etablissements = allowed
        chosen_id = request.session.get(SESSION_KEY)
        request.etablissement = next((e for e in allowed if e.pk == chosen_id), None)
        if request.etablissement is None and len(allowed) == 1:
            request.etablissement = allowed[0]

        if request.etablissement is None and not request.path.startswith(EXEMPT_PREFIXES):
            if not allowed:
                return render(request, "etablissements/aucun.html", status=403)
            chooser = reverse("etablissement_choose")
            return HttpResponseRedirect(f"{chooser}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
