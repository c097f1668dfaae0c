"""The Paramétrages lists, declared once: each is a model, a form and its columns; one set of views
(list, add, modify, delete, retire) serves them all. An item in use cannot be deleted, only retired."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from eleves.models import GroupeDivisions
from eleves.phones import phone_format

from .forms import parametrages as forms
from .models import Action, Couleur, Horaire, Justificatif, ModeleBilan, ModeleDocument, Motif


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    swatch: bool = False  # shows the value as a colour sample
    formatter: Callable[[str], str] | None = None  # shows the value as its form does

    def value(self, obj) -> str:
        shown = self._raw_value(obj)
        return self.formatter(shown) if self.formatter else shown

    def _raw_value(self, obj) -> str:
        if display := getattr(obj, f"get_{self.attr}_display", None):
            return display()
        value = obj
        for part in self.attr.split("__"):
            value = getattr(value, part, None)
        if hasattr(value, "all"):  # a many-to-many relation, prefetched
            return ", ".join(str(item) for item in value.all())
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if hasattr(value, "strftime"):
            return value.strftime("%H:%M")
        return "" if value is None else str(value)


@dataclass(frozen=True)
class ListKind:
    slug: str  # the Paramétrages menu entry it fills
    title: str
    add_label: str  # "Ajouter un motif"
    model: type
    form_class: type
    columns: tuple[Column, ...]
    used_by: tuple[str, ...] = ()  # reverse relations: a row linked through one of them is in use
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    form_template: str = "absences/parametrages/form.html"

    def queryset(self, *, etablissement):
        rows = (
            self.model.objects.filter(etablissement=etablissement)
            .select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
        )
        in_use = Q(pk__in=[])
        for relation in self.used_by:
            related = self.model._meta.get_field(relation)
            in_use |= Exists(related.related_model.objects.filter(**{related.field.name: OuterRef("pk")}))
        return rows.annotate(in_use=in_use) if self.used_by else rows

    def url_name(self, view: str) -> str:
        return f"parametrages_{self.slug}_{view}"


LIBELLE = Column("Libellé", "libelle")
KINDS: dict[str, ListKind] = {
    kind.slug: kind
    for kind in (
        ListKind(
            "motifs",
            "Motifs",
            "Ajouter un motif",
            Motif,
            forms.MotifForm,
            (LIBELLE, Column("Couleur", "couleur__code", swatch=True), Column("Motif légitime", "legitime")),
            used_by=("evenements",),
            select_related=("couleur",),
        ),
        ListKind(
            "justificatifs",
            "Justificatifs",
            "Ajouter un justificatif",
            Justificatif,
            forms.JustificatifForm,
            (LIBELLE,),
            used_by=("evenements",),
        ),
        ListKind(
            "couleurs",
            "Couleurs",
            "Ajouter une couleur",
            Couleur,
            forms.CouleurForm,
            (LIBELLE, Column("Couleur", "code", swatch=True)),
            used_by=("motifs",),
        ),
        ListKind(
            "groupes-de-divisions",
            "Groupes de divisions",
            "Ajouter un groupe de divisions",
            GroupeDivisions,
            forms.GroupeDivisionsForm,
            (Column("Nom", "nom"), Column("Divisions", "divisions")),
            prefetch_related=("divisions",),
        ),
        ListKind(
            "horaires",
            "Horaires",
            "Ajouter un horaire",
            Horaire,
            forms.HoraireForm,
            (LIBELLE, Column("Type", "kind"), Column("Début", "debut"), Column("Fin", "fin")),
        ),
        ListKind(
            "modeles-de-document",
            "Modèles de document",
            "Ajouter un modèle",
            ModeleDocument,
            forms.ModeleDocumentForm,
            (Column("Nom", "nom"), Column("Texte", "texte")),
            used_by=("actions",),
            form_template="absences/parametrages/modele_form.html",
        ),
        ListKind(
            "actions",
            "Actions",
            "Ajouter une action",
            Action,
            forms.ActionForm,
            (
                Column("Libellé court", "libelle_court"),
                Column("Libellé long", "libelle_long"),
                Column("Délai (jours)", "delai_alerte_jours"),
                Column("Traitement", "traitement"),
                Column("Modèle de document", "modele"),
                Column("Emetteur", "emetteur", formatter=phone_format),
            ),
            used_by=("evenement_actions",),
            select_related=("modele",),
            form_template="absences/parametrages/action_form.html",
        ),
        ListKind(
            "modeles-de-bilans",
            "Modèles de bilans",
            "Ajouter un modèle de bilan",
            ModeleBilan,
            forms.ModeleBilanForm,
            (
                Column("Nom", "nom"),
                Column("Titre", "titre"),
                Column("Contenu", "contenu"),
                Column("Texte en bas", "texte_bas"),
            ),
        ),
    )
}
