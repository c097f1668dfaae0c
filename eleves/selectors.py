"""Reads of the Base élèves."""

from django.db.models import QuerySet

from etablissements.models import Etablissement

from .models import Eleve, Lien, SiecleImport
from .search import search_key
from .sms_reach import SmsReach, sms_reach


def eleves_search(
    *,
    etablissement: Etablissement,
    nom: str = "",
    prenom: str = "",
    division_id: int | None = None,
    include_left: bool = False,
) -> QuerySet[Eleve]:
    """Fiches individuelles: the start of the names, ignoring case and accents, in one query."""
    eleves = Eleve.objects.filter(etablissement=etablissement).select_related("division")
    if not include_left:
        eleves = eleves.present()
    if key := search_key(nom):
        eleves = eleves.filter(nom_recherche__startswith=key)
    if key := search_key(prenom):
        eleves = eleves.filter(prenom_recherche__startswith=key)
    if division_id:
        eleves = eleves.filter(division_id=division_id)
    return eleves.order_by("nom", "prenom", "pk")


def eleve_liens(*, eleve: Eleve) -> list[tuple[Lien, SmsReach]]:
    """The responsables of a pupil, Légal 1 first, each with whether an SMS can reach them."""
    liens = eleve.liens.select_related("responsable").order_by("-legal_rank", "pk")
    ordered = sorted(liens, key=lambda lien: (lien.legal_rank == 0, lien.legal_rank, lien.pk))
    return [(lien, sms_reach(lien.responsable)) for lien in ordered]


def responsables_legaux_sans_sms(
    *, etablissement: Etablissement, division_id: int | None = None
) -> list[tuple[Lien, SmsReach]]:
    """The CPE's list: responsables légaux of present pupils whom no SMS can reach, and why."""
    liens = (
        Lien.objects.filter(eleve__in=Eleve.objects.filter(etablissement=etablissement).present())
        .filter(legal_rank__in=(1, 2))
        .select_related("eleve__division", "responsable")
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom", "legal_rank")
    )
    if division_id:
        liens = liens.filter(eleve__division_id=division_id)
    rows = ((lien, sms_reach(lien.responsable)) for lien in liens)
    return [(lien, reach) for lien, reach in rows if not reach.can_receive]


def siecle_imports(*, etablissement: Etablissement) -> QuerySet[SiecleImport]:
    return SiecleImport.objects.filter(etablissement=etablissement).order_by("-at", "-pk")
