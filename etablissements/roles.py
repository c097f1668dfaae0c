"""The two roles of SCONET Absences, as Django groups created by a migration."""

from django.contrib.auth.mixins import AccessMixin

VIE_SCOLAIRE = "Vie scolaire"
PERSONNE_HABILITEE = "Personne habilitée"


def _group_names(user) -> set[str]:
    if not hasattr(user, "_sconet_groups"):
        user._sconet_groups = set(user.groups.values_list("name", flat=True))
    return user._sconet_groups


def is_habilitee(user) -> bool:
    """The personne habilitée configures the module (provider keys, actions, paramètres)."""
    return user.is_authenticated and (user.is_superuser or PERSONNE_HABILITEE in _group_names(user))


def is_vie_scolaire(user) -> bool:
    """Entry, sending and tracking: the vie scolaire, and the personne habilitée who can do all of it."""
    return is_habilitee(user) or (user.is_authenticated and VIE_SCOLAIRE in _group_names(user))


class VieScolaireRequiredMixin(AccessMixin):
    """Refuses (403) a logged-in user who holds neither role."""

    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not is_vie_scolaire(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class HabiliteeRequiredMixin(AccessMixin):
    """Paramétrages: the personne habilitée only; others get 403."""

    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not is_habilitee(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
