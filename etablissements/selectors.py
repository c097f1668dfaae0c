from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry, Etablissement
from .roles import PERSONNE_HABILITEE


def etablissements_for_user(*, user) -> QuerySet[Etablissement]:
    """The établissements a user may work in: those they are attached to (all of them for a superuser)."""
    if user.is_superuser:
        return Etablissement.objects.all()
    return Etablissement.objects.filter(memberships__user=user)


def personnes_habilitees(*, etablissement: Etablissement) -> QuerySet:
    """Whom the staff ask about the module: the active accounts in the habilitée role attached to this
    établissement (a superuser of the académie is not one of them), by name."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=PERSONNE_HABILITEE, memberships__etablissement=etablissement
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_journal(
    *,
    etablissement: Etablissement,
    action: str = "",
    username: str = "",
    du: date | None = None,
    au: date | None = None,
) -> QuerySet[AuditEntry]:
    """The Journal des opérations of one établissement, newest first; ``du`` and ``au`` are days,
    both included, in the school's time zone."""
    entries = AuditEntry.objects.filter(etablissement=etablissement)
    if action:
        entries = entries.filter(action=action)
    if username:
        entries = entries.filter(username=username)
    if du:
        entries = entries.filter(at__gte=_day_start(du))
    if au:
        entries = entries.filter(at__lt=_day_start(au + timedelta(days=1)))
    return entries.defer("details").order_by("-at", "-pk")


def audit_usernames(*, etablissement: Etablissement) -> list[str]:
    """Whoever appears in the établissement's journal, for the "Utilisateur" filter."""
    return list(
        AuditEntry.objects.filter(etablissement=etablissement)
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()
    )
