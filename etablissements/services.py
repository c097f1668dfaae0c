from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .journal import SYSTEM_USERNAME
from .models import AuditEntry, Etablissement, Membership


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    etablissements: list[Etablissement],
    role: str | None,
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
):
    """Creates a staff account attached to its établissements, with its role (a group name)."""
    user_model = get_user_model()
    user = user_model(
        username=username,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    Membership.objects.bulk_create([Membership(user=user, etablissement=e) for e in etablissements])
    return user


def audit_record(
    *, etablissement, user, action: str, summary: str, details: dict | None = None
) -> AuditEntry:
    """Writes one line of the audit journal.

    ``action`` is a stable dotted code (``"sms.batch_dispatched"``), ``summary`` a French sentence for
    the staff. Never put a secret or a family's full phone number in either.
    """
    return AuditEntry.objects.create(
        etablissement=etablissement,
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else SYSTEM_USERNAME,
        action=action,
        summary=summary,
        details=details or {},
    )


COORDONNEES_FIELDS = ("adresse", "code_postal", "ville", "telephone", "courriel")


@transaction.atomic
def etablissement_coordonnees_update(*, etablissement: Etablissement, user, **values: str) -> list[str]:
    """The school's address and contact (Paramétrages > Coordonnées de l'établissement): saves what
    changed and journals it (the address by name only: it takes several lines). Returns the labels
    of the fields changed."""
    changed = [name for name in COORDONNEES_FIELDS if getattr(etablissement, name) != values[name]]
    if not changed:
        return []
    changes = [_coordonnee_change(name, getattr(etablissement, name), values[name]) for name in changed]
    for name in changed:
        setattr(etablissement, name, values[name])
    etablissement.save(update_fields=changed)
    audit_record(
        etablissement=etablissement,
        user=user,
        action="etablissements.coordonnees_changed",
        summary=f"Coordonnées de l'établissement : {' ; '.join(changes)}"[:300],
        details={"champs": changed},
    )
    return [_coordonnee_label(name) for name in changed]


def _coordonnee_label(name: str) -> str:
    return str(Etablissement._meta.get_field(name).verbose_name)


def _coordonnee_change(name: str, before: str, after: str) -> str:
    if name == "adresse":
        return "adresse modifiée"
    return f"{_coordonnee_label(name)} {before or '(vide)'} → {after or '(vide)'}"
