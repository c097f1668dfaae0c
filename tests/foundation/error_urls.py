"""The project's URLs plus one view that fails, to see the page a server error shows."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from sconet.urls import urlpatterns as project_urlpatterns


@login_not_required
def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urlpatterns, path("erreur-de-test/", failing_view)]
