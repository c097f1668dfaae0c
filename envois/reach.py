"""Who a letter or an email can reach: a responsable with a postal address, or with a courriel.
The pupil ("Elève") is never written to: their family is."""

from dataclasses import dataclass

from .models import EnvoiKind

NO_ADDRESS = "pas d'adresse postale"
NO_EMAIL = "pas de courriel"


@dataclass(frozen=True)
class EnvoiReach:
    can_receive: bool
    reason: str = ""  # why not, in French, for the staff

    def label(self, noun: str) -> str:
        """ "courrier possible", "courriel impossible : pas de courriel"."""
        return f"{noun} possible" if self.can_receive else f"{noun} impossible : {self.reason}"

    @property
    def courrier_label(self) -> str:
        return self.label("courrier")

    @property
    def courriel_label(self) -> str:
        return self.label("courriel")


def postal_address(responsable) -> list[str]:
    """The address lines of an envelope: the street lines, "69003 LYON", and the country when it is
    not France; empty when the Base élèves has no usable address (no street, or no town)."""
    lines = [line.strip() for line in responsable.adresse.splitlines() if line.strip()]
    town = f"{responsable.code_postal} {responsable.commune.upper()}".strip()
    if not lines or not town:
        return []
    pays = responsable.pays.strip()
    return [*lines, town, *([pays.upper()] if pays and pays.upper() != "FRANCE" else [])]


def envoi_reach(kind: str, responsable) -> EnvoiReach:
    """Whether a letter (kind courrier) or an email (courriel) can reach ``responsable`` (None: the
    pupil), and why not."""
    if kind == EnvoiKind.COURRIER:
        return (
            EnvoiReach(True) if responsable and postal_address(responsable) else EnvoiReach(False, NO_ADDRESS)
        )
    return EnvoiReach(True) if responsable and responsable.courriel else EnvoiReach(False, NO_EMAIL)
