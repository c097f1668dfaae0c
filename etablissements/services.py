from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Etablissement, Membership


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
