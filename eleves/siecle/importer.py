"""Applies a read SIECLE export to one établissement's Base élèves, in bulk.

Re-importing updates by SIECLE ids and never duplicates. Pupils missing from the export are marked as
left, never deleted. A consent or mobile number the staff typed since the last import is kept, and the
report lists the disagreement. The caller runs this inside one transaction.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from etablissements.models import Etablissement

from ..models import Civilite, ConsentChange, Division, Eleve, Lien, LienParente, Responsable
from ..phones import PhoneError, is_foreign, mobile_parse, phone_parse
from ..search import search_key
from .reader import EleveRecord, LienRecord, PersonneRecord, SiecleExport

BATCH_SIZE = 500
# The first digits of a CODE_MEF name the level (collège and lycée général et technologique).
NIVEAUX_BY_MEF_PREFIX = {
    "100": "6e",
    "101": "5e",
    "102": "4e",
    "103": "3e",
    "200": "2de",
    "201": "1re",
    "202": "Tle",
}


def yes_no(value: bool) -> str:
    return "oui" if value else "non"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    """What an import did: counts per kind, a reason per rejected or corrected record, the conflicts."""

    eleves: Counts = field(default_factory=Counts)
    responsables: Counts = field(default_factory=Counts)
    liens: Counts = field(default_factory=Counts)
    divisions_created: list[str] = field(default_factory=list)
    eleves_left: int = 0
    liens_deleted: int = 0
    personnes_ignored: int = 0  # persons linked to no current pupil
    consent_changes: int = 0
    rejected: list[dict] = field(default_factory=list)
    corrected: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)

    def reject(self, record: str, reason: str) -> None:
        self.rejected.append({"record": record, "reason": reason})

    def correct(self, record: str, reason: str) -> None:
        self.corrected.append({"record": record, "reason": reason})

    def as_dict(self) -> dict:
        return {
            "eleves": vars(self.eleves),
            "responsables": vars(self.responsables),
            "liens": vars(self.liens),
            "divisions_created": self.divisions_created,
            "eleves_left": self.eleves_left,
            "liens_deleted": self.liens_deleted,
            "personnes_ignored": self.personnes_ignored,
            "consent_changes": self.consent_changes,
            "rejected": self.rejected,
            "corrected": self.corrected,
            "conflicts": self.conflicts,
        }


def assign(obj, values: dict) -> list[str]:
    """Sets the values that differ on ``obj``; the names of those that did."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _civilite(value: str) -> str:
    value = value.upper().rstrip(".")
    if value in ("M", "MR", "MONSIEUR"):
        return Civilite.MONSIEUR
    if value in ("MME", "MLLE", "MADAME", "MADEMOISELLE"):
        return Civilite.MADAME
    return ""


def _legal_ranks(liens: list[LienRecord]) -> dict[tuple[str, str], int]:
    """(ELEVE_ID, PERSONNE_ID) → Légal 1 / 2 / 0.

    Layout A carries RESP_LEGAL. Layout B has only NIVEAU_RESPONSABILITE: the pupil's level-1 links are
    ranked, the one paying school fees first, then in document order; levels 2 and 3 are not légal.
    """
    ranks, legal_by_eleve = {}, defaultdict(list)
    for lien in liens:
        key = (lien.eleve_id, lien.personne_id)
        if lien.resp_legal is not None:
            ranks[key] = lien.resp_legal if lien.resp_legal in (1, 2) else 0
        elif lien.niveau == 1:
            legal_by_eleve[lien.eleve_id].append(lien)
        else:
            ranks[key] = 0
    for eleve_liens in legal_by_eleve.values():
        ordered = sorted(eleve_liens, key=lambda lien: not lien.financier)  # stable: document order kept
        for position, lien in enumerate(ordered):
            ranks[(lien.eleve_id, lien.personne_id)] = position + 1 if position < 2 else 0
    return ranks


class SiecleImporter:
    def __init__(self, *, etablissement: Etablissement, export: SiecleExport, user, username: str):
        self.etablissement = etablissement
        self.export = export
        self.user = user
        self.username = username
        self.report = ImportReport()
        self.now = timezone.now()
        self.consent_changes: list[ConsentChange] = []
        self.changed_fields: set[str] = set()

    def run(self) -> ImportReport:
        for record, reason in self.export.problems:
            self.report.reject(record, reason)
        kept = self._kept_eleves()
        divisions = self._divisions(kept)
        eleves = self._eleves(kept, divisions)
        liens = self._kept_liens(eleves)
        responsables = self._responsables({lien.personne_id for lien in liens})
        self._liens(liens, eleves, responsables)
        ConsentChange.objects.bulk_create(self.consent_changes, batch_size=BATCH_SIZE)
        self.report.consent_changes = len(self.consent_changes)
        return self.report

    # Pupils -----------------------------------------------------------------------------------------

    def _kept_eleves(self) -> list[EleveRecord]:
        """A pupil is imported when it has a division and has not left by the export date."""
        kept, self.departures = [], {}
        for record in self.export.eleves:
            if record.date_sortie and record.date_sortie <= self.export.date_export:
                self.departures[record.siecle_id] = record.date_sortie
            elif not record.division:
                self.report.eleves.rejected += 1
                self.report.reject(
                    f"Élève {record.nom} {record.prenom} ({record.siecle_id})",
                    "aucune division (classe) dans l'export : élève non importé",
                )
            else:
                kept.append(record)
        return kept

    def _divisions(self, kept: list[EleveRecord]) -> dict[str, Division]:
        divisions = {d.code: d for d in Division.objects.filter(etablissement=self.etablissement)}
        niveaux = {r.division: NIVEAUX_BY_MEF_PREFIX.get(r.code_mef[:3], "") for r in kept}
        new = [
            Division(etablissement=self.etablissement, code=code, libelle=code, niveau=niveau)
            for code, niveau in sorted(niveaux.items())
            if code not in divisions
        ]
        Division.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.report.divisions_created = [d.code for d in new]
        divisions.update({d.code: d for d in new})
        return divisions

    def _eleves(self, kept: list[EleveRecord], divisions: dict[str, Division]) -> dict[str, Eleve]:
        existing = {e.siecle_id: e for e in Eleve.objects.filter(etablissement=self.etablissement)}
        to_create, to_update = [], []
        for record in kept:
            values = {
                "elenoet": record.elenoet,
                "ine": record.ine[:11],
                "nom": record.nom,
                "nom_de_famille": record.nom_de_famille,
                "prenom": record.prenom,
                "nom_recherche": search_key(record.nom),
                "prenom_recherche": search_key(record.prenom),
                "date_naissance": record.date_naissance,
                "division_id": divisions[record.division].pk,
                "date_sortie": record.date_sortie,
            }
            eleve = existing.get(record.siecle_id)
            if eleve is None:
                to_create.append(
                    Eleve(etablissement=self.etablissement, siecle_id=record.siecle_id, **values)
                )
            elif self._assign(eleve, values):
                to_update.append(eleve)
            else:
                self.report.eleves.unchanged += 1
        kept_ids = {record.siecle_id for record in kept}
        for siecle_id, eleve in existing.items():
            already_left = eleve.date_sortie is not None and eleve.date_sortie <= self.export.date_export
            if siecle_id in kept_ids or siecle_id is None or already_left:
                continue
            self._assign(eleve, {"date_sortie": self.departures.get(siecle_id, self.export.date_export)})
            to_update.append(eleve)
            self.report.eleves_left += 1
        Eleve.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        self._bulk_update(Eleve, to_update)
        self.report.eleves.created = len(to_create)
        self.report.eleves.updated = len(to_update) - self.report.eleves_left
        return {e.siecle_id: e for e in existing.values() if e.siecle_id in kept_ids} | {
            e.siecle_id: e for e in to_create
        }

    def _assign(self, obj, values: dict) -> bool:
        """Sets the values that differ; True when any did (then "Mis à jour le" is now)."""
        changed = assign(obj, values)
        self.changed_fields.update(changed)
        if changed and hasattr(obj, "updated_at"):
            obj.updated_at = self.now
        return bool(changed)

    def _bulk_update(self, model, objects: list) -> None:
        """Writes only the columns that changed somewhere: bulk_update's cost grows with each one."""
        fields = sorted(self.changed_fields & {f.attname for f in model._meta.concrete_fields})
        if objects and fields:
            if any(f.attname == "updated_at" for f in model._meta.concrete_fields):
                fields.append("updated_at")
            model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)
        self.changed_fields.clear()

    # Links and responsables ---------------------------------------------------------------------------

    def _kept_liens(self, eleves: dict[str, Eleve]) -> list[LienRecord]:
        """Links to a pupil of the export; a link to a pupil absent from the pupils file is rejected."""
        known = {record.siecle_id for record in self.export.eleves}
        kept, seen = [], set()
        for lien in self.export.liens:
            key = (lien.eleve_id, lien.personne_id)
            if lien.eleve_id not in known:
                self.report.liens.rejected += 1
                self.report.reject(
                    f"Lien de la personne {lien.personne_id} avec l'élève {lien.eleve_id}",
                    "élève absent du fichier des élèves : lien ignoré",
                )
            elif lien.personne_id not in self.export.personnes:
                self.report.liens.rejected += 1
                self.report.reject(
                    f"Lien de la personne {lien.personne_id} avec l'élève {lien.eleve_id}",
                    "personne absente du fichier des responsables : lien ignoré",
                )
            elif lien.eleve_id in eleves and key not in seen:
                seen.add(key)
                kept.append(lien)
        return kept

    def _phone(self, label: str, raw: str, name: str, parse) -> str:
        try:
            return parse(raw)
        except PhoneError as error:
            self.report.correct(label, f"{name} non importé : {error.message}")
            return ""

    def _responsable_values(self, record: PersonneRecord) -> dict:
        label = f"Responsable {record.nom} {record.prenom} ({record.siecle_id})"
        adresse = self.export.adresses.get(record.adresse_id)
        courriel = record.courriel
        try:
            if courriel:
                validate_email(courriel)
        except ValidationError:
            self.report.correct(label, f"courriel « {courriel} » invalide : non importé")
            courriel = ""
        tel_domicile = self._phone(label, record.tel_domicile, "Tél. Domicile", phone_parse)
        tel_travail = self._phone(label, record.tel_travail, "Tél. Travail", phone_parse)
        tel_mobile = self._phone(label, record.tel_mobile, "Tél. Mobile", mobile_parse)
        return {
            "civilite": _civilite(record.civilite),
            "nom": record.nom,
            "nom_de_famille": record.nom_de_famille,
            "prenom": record.prenom,
            "adresse": adresse.adresse if adresse else "",
            "code_postal": adresse.code_postal if adresse else "",
            "commune": adresse.commune if adresse else "",
            "pays": adresse.pays if adresse else "",
            "courriel": courriel,
            "tel_domicile": tel_domicile,
            "tel_domicile_etranger": is_foreign(tel_domicile),
            "tel_travail": tel_travail,
            "tel_travail_etranger": is_foreign(tel_travail),
            "tel_mobile": tel_mobile,
            "tel_mobile_etranger": is_foreign(tel_mobile),
            "accepte_sms": record.accepte_sms,
            "autorise_communication": record.autorise_communication,
            "siecle_accepte_sms": record.accepte_sms,
            "siecle_tel_mobile": tel_mobile,
        }

    def _responsables(self, linked_ids: set[str]) -> dict[str, Responsable]:
        existing = {r.siecle_id: r for r in Responsable.objects.filter(etablissement=self.etablissement)}
        to_create, to_update = [], []
        for siecle_id, record in self.export.personnes.items():
            if siecle_id not in linked_ids:
                self.report.personnes_ignored += 1
                continue
            values = self._responsable_values(record)
            responsable = existing.get(siecle_id)
            if responsable is None:
                responsable = Responsable(etablissement=self.etablissement, siecle_id=siecle_id, **values)
                to_create.append(responsable)
                continue
            self._keep_staff_consent(responsable, values)
            if self._assign(responsable, values):
                to_update.append(responsable)
            else:
                self.report.responsables.unchanged += 1
        Responsable.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        self._bulk_update(Responsable, to_update)
        for responsable in to_create:
            if responsable.accepte_sms:
                self._consent_change(responsable, ConsentChange.Field.ACCEPTE_SMS, "", "oui")
            if responsable.tel_mobile:
                self._consent_change(responsable, ConsentChange.Field.TEL_MOBILE, "", responsable.tel_mobile)
        self.report.responsables.created = len(to_create)
        self.report.responsables.updated = len(to_update)
        return {r.siecle_id: r for r in existing.values() if r.siecle_id in linked_ids} | {
            r.siecle_id: r for r in to_create
        }

    def _keep_staff_consent(self, responsable: Responsable, values: dict) -> None:
        """For the consent and the mobile: take SIECLE's value unless the staff changed ours since the
        last import and SIECLE disagrees; then ours stays and the report lists the conflict."""
        for name, baseline_name, field_name, shown in (
            ("accepte_sms", "siecle_accepte_sms", ConsentChange.Field.ACCEPTE_SMS, yes_no),
            ("tel_mobile", "siecle_tel_mobile", ConsentChange.Field.TEL_MOBILE, str),
        ):
            ours, baseline, theirs = (
                getattr(responsable, name),
                getattr(responsable, baseline_name),
                values[name],
            )
            staff_changed = baseline is not None and ours != baseline
            if ours == theirs:
                continue
            if staff_changed:
                values[name] = ours
                values[baseline_name] = baseline
                if name == "tel_mobile":
                    values["tel_mobile_etranger"] = responsable.tel_mobile_etranger
                self.report.conflicts.append(
                    {
                        "responsable": f"{responsable.nom} {responsable.prenom}",
                        "responsable_id": responsable.pk,
                        "field": field_name.label,
                        "ours": shown(ours),
                        "siecle": shown(theirs),
                    }
                )
            else:
                self._consent_change(responsable, field_name, shown(ours), shown(theirs))

    def _consent_change(self, responsable: Responsable, field_name: str, old: str, new: str) -> None:
        self.consent_changes.append(
            ConsentChange(
                responsable=responsable,
                user=self.user,
                username=self.username,
                source=ConsentChange.Source.IMPORT,
                field=field_name,
                old_value=old,
                new_value=new,
            )
        )

    def _liens(
        self, records: list[LienRecord], eleves: dict[str, Eleve], responsables: dict[str, Responsable]
    ) -> None:
        ranks = _legal_ranks(self.export.liens)
        existing = {
            (lien.eleve_id, lien.responsable_id): lien
            for lien in Lien.objects.filter(eleve__etablissement=self.etablissement)
        }
        to_create, to_update, kept_keys = [], [], set()
        for record in records:
            eleve, responsable = eleves[record.eleve_id], responsables[record.personne_id]
            lien_code = record.code_parente.zfill(2)
            if lien_code not in LienParente.values:
                self.report.correct(
                    f"Lien de {responsable.nom} {responsable.prenom} avec {eleve}",
                    f"code de parenté « {record.code_parente} » inconnu : enregistré comme « Autre lien »",
                )
                lien_code = LienParente.AUTRE
            values = {
                "lien": lien_code,
                "legal_rank": ranks[(record.eleve_id, record.personne_id)],
                "financier": record.financier,
                "correspondant": record.correspondant,
                "niveau_responsabilite": record.niveau,
            }
            key = (eleve.pk, responsable.pk)
            kept_keys.add(key)
            lien = existing.get(key)
            if lien is None:
                to_create.append(Lien(eleve=eleve, responsable=responsable, **values))
            elif self._assign(lien, values):
                to_update.append(lien)
            else:
                self.report.liens.unchanged += 1
        current_eleve_pks = {eleve.pk for eleve in eleves.values()}
        obsolete = [
            lien.pk for key, lien in existing.items() if key[0] in current_eleve_pks and key not in kept_keys
        ]
        Lien.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        self._bulk_update(Lien, to_update)
        if obsolete:
            Lien.objects.filter(pk__in=obsolete).delete()
        self.report.liens.created = len(to_create)
        self.report.liens.updated = len(to_update)
        self.report.liens_deleted = len(obsolete)
