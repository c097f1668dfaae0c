from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from absences import rendering
from absences.services import parametrages_ensure
from etablissements.roles import VieScolaireRequiredMixin
from etablissements.selectors import personnes_habilitees
from sms import selectors as sms_selectors
from sms.services.provider_settings import provider_label

from .celery import app as celery_app


def home(request):
    return render(request, "sconet/home.html")


def csrf_failure(request, reason=""):
    """A form posted without its security token (often a page left open too long): said in French."""
    return render(request, "sconet/csrf_failure.html", status=403)


class AideView(VieScolaireRequiredMixin, TemplateView):
    """Aide: the procedures in the words of the screens; the Paramétrages part for the habilitée only."""

    template_name = "sconet/aide.html"
    extra_context = {"variables": rendering.VARIABLES}


class QuoiDeNeufView(VieScolaireRequiredMixin, TemplateView):
    """Quoi de neuf: what the application offers beyond the old SCONET."""

    template_name = "sconet/quoi_de_neuf.html"


class InformationsPratiquesView(VieScolaireRequiredMixin, TemplateView):
    """Informations pratiques: the school's own coordonnées, provider, sending hours, year and contacts."""

    template_name = "sconet/informations_pratiques.html"

    def get_context_data(self, **kwargs):
        etablissement = self.request.etablissement
        provider_settings = sms_selectors.provider_settings_for(etablissement=etablissement)
        code = provider_settings.provider_code
        return super().get_context_data(
            etablissement=etablissement,
            provider_settings=provider_settings,
            provider_label=provider_label(code),
            infos=[info for info in sms_selectors.provider_infos() if code and info.code == code],
            valeurs=parametrages_ensure(etablissement=etablissement),
            habilitees=personnes_habilitees(etablissement=etablissement),
            **kwargs,
        )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@login_not_required
@never_cache
def healthz(request):
    """For the orchestrator: whether the database and the broker are reachable (503 if not)."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "ko", **checks}, status=200 if healthy else 503)
