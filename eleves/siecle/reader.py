"""Reads the SIECLE exports a school downloads into plain records, without touching the database.

``ElevesSansAdresses.xml`` (or ``ElevesAvecAdresses.xml``) and ``ResponsablesAvecAdresses.xml``, plain or
zipped as SIECLE delivers them (``ExportXML_*.zip``). The bytes go to a hardened XML parser (defusedxml),
which honours the declared ISO-8859-15; a file re-saved in another encoding than the one it declares is
refused. Anything wrong raises ``SiecleFileError`` with a French message.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# An export of a large lycée is a few megabytes; far more is not an export (or is a zip bomb).
MAX_XML_BYTES = 64 * 1024 * 1024
ELEVES_ROOT = "BEE_ELEVES"
RESPONSABLES_ROOT = "BEE_RESPONSABLES"
# An accented letter written in UTF-8 but read as ISO-8859-15 or windows-1252 (« é » read as « Ã© »,
# « è » as « Ãš » or « Ã¨ », « à » as « Ã » and a non-breaking space, « œ » as « Å“ »): the file was
# re-saved in another encoding than the one it declares. No French name holds « Ã », « Â » or « Å »
# followed by such a character.
MISREAD_UTF8 = re.compile("[ÃÂÅ][\u0080-\u00bfŠšŽžŒœŸ€‚ƒ„…†‡ˆ‰‹‘’“”•–—˜™›]")


class SiecleFileError(Exception):
    """A file that cannot be imported; ``message`` says what is wrong, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportHeader:
    file_name: str
    root: str
    uai: str
    annee_scolaire: str
    date_export: datetime.date


@dataclass(frozen=True)
class EleveRecord:
    siecle_id: str
    elenoet: str
    ine: str
    nom: str
    nom_de_famille: str
    prenom: str
    date_naissance: datetime.date | None
    date_sortie: datetime.date | None
    division: str  # CODE_STRUCTURE of type D, "" when none
    code_mef: str


@dataclass(frozen=True)
class PersonneRecord:
    siecle_id: str
    civilite: str
    nom: str
    nom_de_famille: str
    prenom: str
    tel_domicile: str  # as exported, parsed later
    tel_travail: str
    tel_mobile: str
    accepte_sms: bool
    courriel: str
    autorise_communication: bool
    adresse_id: str


@dataclass(frozen=True)
class AdresseRecord:
    adresse: str
    code_postal: str
    commune: str
    pays: str


@dataclass(frozen=True)
class LienRecord:
    eleve_id: str
    personne_id: str
    code_parente: str
    resp_legal: int | None  # layout A (before 2018): RESP_LEGAL 0/1/2
    niveau: int | None  # layout B: NIVEAU_RESPONSABILITE 1 légal, 2 en charge, 3 contact
    financier: bool
    correspondant: bool


@dataclass
class SiecleExport:
    """Both files of one export, checked to belong together."""

    eleves_header: ExportHeader
    responsables_header: ExportHeader
    eleves: list[EleveRecord] = field(default_factory=list)
    personnes: dict[str, PersonneRecord] = field(default_factory=dict)
    adresses: dict[str, AdresseRecord] = field(default_factory=dict)
    liens: list[LienRecord] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (record, reason) of unreadable records

    @property
    def uai(self) -> str:
        return self.eleves_header.uai

    @property
    def annee_scolaire(self) -> str:
        return self.eleves_header.annee_scolaire

    @property
    def date_export(self) -> datetime.date:
        return max(self.eleves_header.date_export, self.responsables_header.date_export)

    @property
    def file_names(self) -> list[str]:
        return [self.eleves_header.file_name, self.responsables_header.file_name]


def _text(element: Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _flag(element: Element, tag: str) -> bool:
    """SIECLE writes booleans as 0/1 and, in the same block, as true/false."""
    return _text(element, tag).lower() in ("1", "true")


def _number(element: Element, tag: str) -> int | None:
    digits = "".join(c for c in _text(element, tag) if c.isdigit())
    return int(digits) if digits else None


def _date(value: str) -> datetime.date | None:
    """DD/MM/YYYY, SIECLE's only date form; None when empty; ValueError when unreadable."""
    if not value:
        return None
    return datetime.datetime.strptime(value, "%d/%m/%Y").date()


def unpack(file_name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The XML files of an upload: the file itself, or the XML entries of a SIECLE zip."""
    if data.startswith(b"PK\x03\x04"):
        return _unzip(file_name, data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        if len(data) > MAX_XML_BYTES:
            raise SiecleFileError(
                f"Le fichier « {file_name} » est trop volumineux pour être un export SIECLE."
            )
        return [(file_name, data)]
    raise SiecleFileError(
        f"Le fichier « {file_name} » n'est ni un fichier XML ni une archive ZIP exportée de SIECLE "
        "(ElevesSansAdresses.xml, ResponsablesAvecAdresses.xml ou leur fichier ExportXML_….zip)."
    )


def _unzip(file_name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not e.is_dir() and e.filename.lower().endswith(".xml")]
        if not entries:
            raise SiecleFileError(f"L'archive « {file_name} » ne contient aucun fichier XML.")
        files, total = [], 0
        for entry in entries:
            with archive.open(entry) as stream:
                # Read at most the cap, whatever the archive claims: a zip bomb stops here.
                content = stream.read(MAX_XML_BYTES - total + 1)
            total += len(content)
            if total > MAX_XML_BYTES:
                raise SiecleFileError(
                    f"L'archive « {file_name} » est trop volumineuse une fois décompressée "
                    "pour être un export SIECLE."
                )
            files.append((entry.filename.rsplit("/", 1)[-1], content))
        return files
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise SiecleFileError(f"L'archive « {file_name} » est endommagée ou illisible.") from None


def _parse_xml(file_name: str, data: bytes) -> Element:
    try:
        return fromstring(data)
    except ParseError as error:
        line, column = error.position
        raise SiecleFileError(
            f"Le fichier « {file_name} » n'est pas un XML valide (ligne {line}, colonne {column}) : "
            "il est peut-être incomplet ou abîmé. Exportez-le de nouveau depuis SIECLE."
        ) from None
    except (DefusedXmlException, LookupError, ValueError):
        raise SiecleFileError(
            f"Le fichier « {file_name} » contient des constructions XML refusées ou un encodage inconnu."
        ) from None


def _check_encoding(file_name: str, root: Element) -> None:
    """Refuses a file whose accented letters come out garbled, before anything of it is imported."""
    for element in root.iter():
        text = element.text or ""
        if MISREAD_UTF8.search(text):
            raise SiecleFileError(
                f"Le fichier « {file_name} » a été ré-enregistré dans un autre encodage que celui "
                f"de SIECLE : ses lettres accentuées sont illisibles (par exemple « {text.strip()[:60]} »). "
                "Rien n'a été importé. Exportez de nouveau les fichiers depuis SIECLE et importez-les "
                "tels quels, sans les ouvrir ni les enregistrer dans un autre logiciel (tableur, "
                "éditeur de texte)."
            )


def _header(file_name: str, root: Element) -> ExportHeader:
    if root.tag not in (ELEVES_ROOT, RESPONSABLES_ROOT):
        raise SiecleFileError(
            f"Le fichier « {file_name} » n'est pas un export SIECLE Base élèves "
            f"(il commence par <{root.tag}> au lieu de <{ELEVES_ROOT}> ou <{RESPONSABLES_ROOT}>)."
        )
    parametres = root.find("PARAMETRES")
    if parametres is None or root.find("DONNEES") is None:
        raise SiecleFileError(f"Le fichier « {file_name} » n'a pas de bloc PARAMETRES ou DONNEES.")
    uai = _text(parametres, "UAJ").upper()
    if not uai:
        raise SiecleFileError(
            f"Le fichier « {file_name} » ne dit pas à quel établissement il appartient (UAJ)."
        )
    try:
        date_export = _date(_text(parametres, "DATE_EXPORT"))
    except ValueError:
        date_export = None
    if date_export is None:
        raise SiecleFileError(f"Le fichier « {file_name} » n'a pas de date d'export lisible (DATE_EXPORT).")
    return ExportHeader(file_name, root.tag, uai, _text(parametres, "ANNEE_SCOLAIRE"), date_export)


def _divisions(donnees: Element) -> dict[str, str]:
    """ELEVE_ID → the code of its division: the STRUCTURE of type D (groups, type G, sit beside it)."""
    divisions = {}
    for structures in donnees.iterfind("STRUCTURES/STRUCTURES_ELEVE"):
        for structure in structures.iterfind("STRUCTURE"):
            if _text(structure, "TYPE_STRUCTURE") == "D":
                divisions[structures.get("ELEVE_ID", "").strip()] = _text(structure, "CODE_STRUCTURE")
                break
    return divisions


def _read_eleves(export: SiecleExport, donnees: Element) -> None:
    divisions = _divisions(donnees)
    for element in donnees.iterfind("ELEVES/ELEVE"):
        siecle_id = element.get("ELEVE_ID", "").strip()
        nom_de_famille = _text(element, "NOM_DE_FAMILLE") or _text(element, "NOM")
        nom = _text(element, "NOM_USAGE") or nom_de_famille
        prenom = _text(element, "PRENOM")
        label = f"Élève {siecle_id or '?'} {nom} {prenom}".strip()
        if not siecle_id or not nom or not prenom:
            export.problems.append((label, "ELEVE_ID, nom ou prénom manquant"))
            continue
        try:
            date_naissance = _date(_text(element, "DATE_NAISS"))
            date_sortie = _date(_text(element, "DATE_SORTIE"))
        except ValueError:
            export.problems.append((label, "date de naissance ou de sortie illisible (JJ/MM/AAAA attendu)"))
            continue
        export.eleves.append(
            EleveRecord(
                siecle_id=siecle_id,
                elenoet=element.get("ELENOET", "").strip() or _text(element, "ELENOET"),
                ine=_text(element, "ID_NATIONAL") or _text(element, "INE_RNIE") or _text(element, "INE_BEA"),
                nom=nom,
                nom_de_famille=nom_de_famille,
                prenom=prenom,
                date_naissance=date_naissance,
                date_sortie=date_sortie,
                division=divisions.get(siecle_id, ""),
                code_mef=_text(element, "CODE_MEF"),
            )
        )


def _read_responsables(export: SiecleExport, donnees: Element) -> None:
    for element in donnees.iterfind("PERSONNES/PERSONNE"):
        siecle_id = element.get("PERSONNE_ID", "").strip()
        nom_de_famille = _text(element, "NOM_DE_FAMILLE") or _text(element, "NOM")
        nom = _text(element, "NOM_USAGE") or nom_de_famille
        prenom = _text(element, "PRENOM")
        if not siecle_id or not nom:
            export.problems.append(
                (f"Personne {siecle_id or '?'} {nom} {prenom}".strip(), "PERSONNE_ID ou nom manquant")
            )
            continue
        export.personnes[siecle_id] = PersonneRecord(
            siecle_id=siecle_id,
            civilite=_text(element, "LC_CIVILITE") or _text(element, "LL_CIVILITE"),
            nom=nom,
            nom_de_famille=nom_de_famille,
            prenom=prenom,
            tel_domicile=_text(element, "TEL_PERSONNEL"),
            tel_travail=_text(element, "TEL_PROFESSIONNEL"),
            tel_mobile=_text(element, "TEL_PORTABLE"),
            accepte_sms=_text(element, "ACCEPTE_SMS") == "1",
            courriel=_text(element, "MEL"),
            autorise_communication=_flag(element, "COMMUNICATION_ADRESSE"),
            adresse_id=_text(element, "ADRESSE_ID"),
        )
    for element in donnees.iterfind("RESPONSABLES/RESPONSABLE_ELEVE"):
        legacy = element.find("RESP_LEGAL") is not None
        export.liens.append(
            LienRecord(
                eleve_id=_text(element, "ELEVE_ID"),
                personne_id=_text(element, "PERSONNE_ID"),
                code_parente=_text(element, "CODE_PARENTE"),
                resp_legal=_number(element, "RESP_LEGAL") if legacy else None,
                niveau=None if legacy else _number(element, "NIVEAU_RESPONSABILITE"),
                financier=_flag(element, "RESP_FINANCIER" if legacy else "PAIE_FRAIS_SCOLAIRES"),
                correspondant=_flag(element, "PERS_CONTACT" if legacy else "A_CONTACTER_EN_PRIORITE"),
            )
        )
    for element in donnees.iterfind("ADRESSES/ADRESSE"):
        lines = [_text(element, f"LIGNE{n}_ADRESSE") for n in range(1, 5)]
        export.adresses[element.get("ADRESSE_ID", "").strip()] = AdresseRecord(
            adresse="\n".join(line for line in lines if line),
            code_postal=_text(element, "CODE_POSTAL"),
            commune=_text(element, "LIBELLE_POSTAL") or _text(element, "COMMUNE_ETRANGERE"),
            pays=_text(element, "LL_PAYS"),
        )


def siecle_read(files: list[tuple[str, bytes]]) -> SiecleExport:
    """Reads the uploaded files (XML or zip) into one export; both files needed, of one school and year."""
    roots: dict[str, tuple[ExportHeader, Element]] = {}
    for upload_name, data in files:
        for file_name, content in unpack(upload_name, data):
            root = _parse_xml(file_name, content)
            header = _header(file_name, root)
            _check_encoding(file_name, root)
            if header.root in roots:
                raise SiecleFileError(
                    f"Deux fichiers du même genre ont été donnés : « {roots[header.root][0].file_name} » "
                    f"et « {file_name} »."
                )
            roots[header.root] = (header, root.find("DONNEES"))
    missing = [
        label
        for root, label in (
            (ELEVES_ROOT, "ElevesSansAdresses.xml (ou ElevesAvecAdresses.xml)"),
            (RESPONSABLES_ROOT, "ResponsablesAvecAdresses.xml"),
        )
        if root not in roots
    ]
    if missing:
        raise SiecleFileError(
            "Il manque le fichier " + " et le fichier ".join(missing) + " de l'export SIECLE."
        )
    (eleves_header, eleves_data), (responsables_header, responsables_data) = (
        roots[ELEVES_ROOT],
        roots[RESPONSABLES_ROOT],
    )
    if eleves_header.uai != responsables_header.uai:
        raise SiecleFileError(
            f"Les deux fichiers ne sont pas du même établissement : UAJ {eleves_header.uai} "
            f"pour « {eleves_header.file_name} », "
            f"{responsables_header.uai} pour « {responsables_header.file_name} »."
        )
    if eleves_header.annee_scolaire != responsables_header.annee_scolaire:
        raise SiecleFileError(
            f"Les deux fichiers ne sont pas de la même année scolaire ({eleves_header.annee_scolaire} "
            f"et {responsables_header.annee_scolaire})."
        )
    export = SiecleExport(eleves_header, responsables_header)
    _read_eleves(export, eleves_data)
    _read_responsables(export, responsables_data)
    return export
