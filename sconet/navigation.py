"""The SCONET left menu, in SCONET's words.

An entry names the URL of its page, or is a heading over children: a heading leads to its ``landing``
child, or else to its first child. An entry with neither a page nor children cannot be made.
Entries for the personne habilitée only are hidden from the others. The breadcrumb is derived from
the entry of the current URL.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    slug: str
    label: str
    url_name: str | None = None
    habilitee_only: bool = False
    children: tuple["MenuEntry", ...] = field(default=())
    # Other URL names that belong to this entry (detail pages, forms), for the breadcrumb.
    also_matches: tuple[str, ...] = field(default=())
    # A heading: the slug of the child it leads to.
    landing: str = ""

    def __post_init__(self):
        if not self.url_name and not self.children:
            raise ValueError(f"The menu entry « {self.label} » leads nowhere: give it a url_name or children")

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        landing = [child for child in self.children if child.slug == self.landing]
        return (landing or self.children)[0].url

    def matches(self, url_name: str) -> bool:
        return url_name == self.url_name or url_name in self.also_matches


def _parametrage_list(slug: str, label: str) -> MenuEntry:
    """A Paramétrages list of the absences app: its list page, and its add and modify forms."""
    prefix = f"parametrages_{slug}_"
    return MenuEntry(
        slug, label, f"{prefix}list", habilitee_only=True, also_matches=(f"{prefix}add", f"{prefix}edit")
    )


MENU: tuple[MenuEntry, ...] = (
    MenuEntry(
        "saisie",
        "Saisie et Modification",
        children=(
            MenuEntry(
                "absences-et-retards",
                "Absences et retards",
                "saisie",
                also_matches=("saisie_eleve", "saisie_evenement"),
            ),
            MenuEntry("appel", "Appel", "appel"),
        ),
    ),
    MenuEntry(
        "suivi",
        "Suivi",
        children=(MenuEntry("alertes", "Alertes sans réponse", "suivi_alertes"),),
    ),
    MenuEntry(
        "envoi-aux-familles",
        "Envoi aux familles",
        landing="sms-a-diffuser",  # as the procedure says
        children=(
            MenuEntry(
                "courriers",
                "Courriers",
                url_name="courriers",
                also_matches=("courriers_edites", "courriers_annules", "courriers_impression"),
            ),
            MenuEntry(
                "courriels",
                "Courriels",
                url_name="courriels",
                also_matches=(
                    "courriels_en_cours",
                    "courriels_envoyes",
                    "courriels_echec",
                    "courriels_annules",
                ),
            ),
            MenuEntry("sms-a-diffuser", "SMS à diffuser", url_name="sms_waiting"),
            MenuEntry(
                "suivi-des-sms",
                "Suivi des SMS",
                url_name="sms_tracking",
                also_matches=(
                    "sms_tracking_delivered",
                    "sms_tracking_failed",
                    "sms_synthese",
                    "sms_detail",
                    "sms_resend",
                ),
            ),
        ),
    ),
    MenuEntry("statistiques", "Statistiques", "statistiques"),
    MenuEntry("documents", "Documents", "documents", also_matches=("documents_bilan", "documents_absents")),
    MenuEntry(
        "parametrages",
        "Paramétrages",
        habilitee_only=True,
        children=(
            _parametrage_list("motifs", "Motifs"),
            _parametrage_list("modeles-de-document", "Modèles de document"),
            _parametrage_list("actions", "Actions"),
            _parametrage_list("justificatifs", "Justificatifs"),
            _parametrage_list("couleurs", "Couleurs"),
            _parametrage_list("groupes-de-divisions", "Groupes de divisions"),
            _parametrage_list("horaires", "Horaires"),
            MenuEntry(
                "valeurs-par-defaut", "Valeurs par défaut", "parametrages_valeurs", habilitee_only=True
            ),
            MenuEntry(
                "coordonnees",
                "Coordonnées de l'établissement",
                "parametrages_coordonnees",
                habilitee_only=True,
            ),
            _parametrage_list("modeles-de-bilans", "Modèles de bilans"),
            MenuEntry(
                "fournisseur-de-services",
                "Fournisseur de services",
                url_name="sms_provider",
                habilitee_only=True,
                also_matches=("sms_provider_edit",),
            ),
        ),
    ),
    MenuEntry(
        "import-export",
        "Import/Export",
        url_name="eleves:import_export",
        habilitee_only=True,
        also_matches=("eleves:import_report",),
    ),
    MenuEntry("journal", "Journal des opérations", url_name="journal", habilitee_only=True),
    MenuEntry(
        "base-eleves",
        "Base élèves",
        children=(
            MenuEntry(
                "fiches-eleves",
                "Fiches élèves",
                url_name="eleves:fiches",
                also_matches=(
                    "eleves:fiche",
                    "eleves:fiche_scolarite",
                    "eleves:fiche_responsables",
                    "eleves:responsable_modifier",
                ),
            ),
            MenuEntry(
                "responsables-sans-sms", "Responsables sans SMS", url_name="eleves:responsables_sans_sms"
            ),
        ),
    ),
)

# The top bar, beside "Quitter".
TOP_BAR: tuple[MenuEntry, ...] = (
    MenuEntry("accueil", "Accueil", url_name="home"),
    MenuEntry("aide", "Aide", url_name="aide"),
    MenuEntry("quoi-de-neuf", "Quoi de neuf", url_name="quoi_de_neuf"),
    MenuEntry("informations-pratiques", "Informations pratiques", url_name="informations_pratiques"),
)


def _walk(entries, parents=()):
    for entry in entries:
        yield entry, parents
        yield from _walk(entry.children, (*parents, entry))


def find_by_url_name(url_name: str) -> tuple[MenuEntry, tuple[MenuEntry, ...]] | None:
    for entry, parents in _walk((*MENU, *TOP_BAR)):
        if entry.matches(url_name):
            return entry, parents
    return None


def visible_menu(*, habilitee: bool) -> list[MenuEntry]:
    """The menu a user may use: entries for the personne habilitée only are left out for others."""

    def keep(entries):
        return [
            MenuEntry(
                e.slug,
                e.label,
                e.url_name,
                e.habilitee_only,
                tuple(keep(e.children)),
                e.also_matches,
                e.landing,
            )
            for e in entries
            if habilitee or not e.habilitee_only
        ]

    return keep(MENU)
