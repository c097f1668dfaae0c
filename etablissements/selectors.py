from django.db.models import QuerySet

from .models import Etablissement


def etablissements_for_user(*, user) -> QuerySet[Etablissement]:
    """The établissements a user may work in: those they are attached to (all of them for a superuser)."""
    if user.is_superuser:
        return Etablissement.objects.all()
    return Etablissement.objects.filter(memberships__user=user)
