from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from etablissements.roles import is_habilitee, is_vie_scolaire

from . import navigation
from .celery import app as celery_app


def home(request):
    return render(request, "sconet/home.html")


def csrf_failure(request, reason=""):
    """A form posted without its security token (often a page left open too long): said in French."""
    return render(request, "sconet/csrf_failure.html", status=403)


def coming_soon(request, slug):
    """A menu entry whose page is not built yet: said plainly, never a 404 nor a fake screen."""
    found = navigation.find_by_slug(slug)
    if found is None:
        raise Http404
    entry, parents = found
    habilitee_only = any(e.habilitee_only for e in (*parents, entry))
    if not (is_habilitee(request.user) if habilitee_only else is_vie_scolaire(request.user)):
        raise PermissionDenied
    return render(
        request,
        "sconet/coming_soon.html",
        {"entry": entry, "current_entry": entry, "breadcrumb": [*parents, entry]},
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
