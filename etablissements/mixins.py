class EtablissementScopedMixin:
    """For class-based views over records of one établissement.

    ``get_queryset()`` keeps only the current établissement's rows, so that an object of another
    school answers 404 whatever the URL. ``etablissement_lookup`` names the path to the établissement
    for models that reach it through a relation (``"eleve__etablissement"``).
    """

    etablissement_lookup = "etablissement"

    def get_queryset(self):
        return super().get_queryset().filter(**{self.etablissement_lookup: self.request.etablissement})
