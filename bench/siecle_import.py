"""Imports a generated SIECLE export of 2,000 pupils and 4,000 responsables; prints time and queries.

Runs on a throw-away test database (DATABASE_URL's server, or SQLite): ``python bench/siecle_import.py``.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sconet.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PUPILS = 2000
DIVISIONS = ("6A", "6B", "6C", "6D", "5A", "5B", "5C", "5D", "4A", "4B", "4C", "4D", "3A", "3B", "3C", "3D")
HEADER = """<?xml version="1.0" encoding="ISO-8859-15"?>
<{root} VERSION="3.0">
  <PARAMETRES>
    <UAJ>0699990J</UAJ>
    <ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>
    <DATE_EXPORT>{date}</DATE_EXPORT>
    <HORODATAGE>{date} 18:00:00</HORODATAGE>
  </PARAMETRES>
  <DONNEES>
"""


def generated_export(date: str) -> list[tuple[str, bytes]]:
    eleves, structures, personnes, liens = [], [], [], []
    for n in range(PUPILS):
        eleve_id = 2_000_000 + n
        eleves.append(
            f'<ELEVE ELEVE_ID="{eleve_id}"><ID_NATIONAL>{n:09d}AB</ID_NATIONAL>'
            f"<NOM_DE_FAMILLE>NOMÉLÈVE{n}</NOM_DE_FAMILLE><PRENOM>Prénom{n}</PRENOM>"
            f"<DATE_NAISS>12/03/2013</DATE_NAISS><CODE_MEF>10110001110</CODE_MEF></ELEVE>"
        )
        structures.append(
            f'<STRUCTURES_ELEVE ELEVE_ID="{eleve_id}"><STRUCTURE><CODE_STRUCTURE>{DIVISIONS[n % 16]}'
            "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
        )
        for rank, (civilite, parente) in enumerate((("MME", "10"), ("M.", "20"))):
            personne_id = 4_000_000 + 2 * n + rank
            personnes.append(
                f'<PERSONNE PERSONNE_ID="{personne_id}"><LC_CIVILITE>{civilite}</LC_CIVILITE>'
                f"<NOM_DE_FAMILLE>PARENT{n}</NOM_DE_FAMILLE><PRENOM>Camille</PRENOM>"
                f"<TEL_PERSONNEL>+3347{2 * n + rank:07d}</TEL_PERSONNEL>"
                f"<TEL_PORTABLE>+336{2 * n + rank:08d}</TEL_PORTABLE>"
                f"<ACCEPTE_SMS>{(n + rank) % 2}</ACCEPTE_SMS>"
                f"<MEL>parent{personne_id}@example.com</MEL><ADRESSE_ID>{n}</ADRESSE_ID></PERSONNE>"
            )
            liens.append(
                f"<RESPONSABLE_ELEVE><ELEVE_ID>{eleve_id}</ELEVE_ID><PERSONNE_ID>{personne_id}</PERSONNE_ID>"
                f"<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE><CODE_PARENTE>{parente}</CODE_PARENTE>"
                f"<PAIE_FRAIS_SCOLAIRES>{1 - rank}</PAIE_FRAIS_SCOLAIRES></RESPONSABLE_ELEVE>"
            )
    adresses = [
        f'<ADRESSE ADRESSE_ID="{n}"><LIGNE1_ADRESSE>{n} RUE DES ÉCOLES</LIGNE1_ADRESSE>'
        "<CODE_POSTAL>69003</CODE_POSTAL><LL_PAYS>FRANCE</LL_PAYS><LIBELLE_POSTAL>LYON</LIBELLE_POSTAL></ADRESSE>"
        for n in range(PUPILS)
    ]
    eleves_xml = (
        HEADER.format(root="BEE_ELEVES", date=date)
        + "<ELEVES>"
        + "\n".join(eleves)
        + "</ELEVES><STRUCTURES>"
        + "\n".join(structures)
        + "</STRUCTURES></DONNEES></BEE_ELEVES>\n"
    )
    responsables_xml = (
        HEADER.format(root="BEE_RESPONSABLES", date=date)
        + "<PERSONNES>"
        + "\n".join(personnes)
        + "</PERSONNES><RESPONSABLES>"
        + "\n".join(liens)
        + "</RESPONSABLES><ADRESSES>"
        + "\n".join(adresses)
        + "</ADRESSES></DONNEES></BEE_RESPONSABLES>\n"
    )
    return [
        ("ElevesSansAdresses.xml", eleves_xml.encode("iso-8859-15")),
        ("ResponsablesAvecAdresses.xml", responsables_xml.encode("iso-8859-15")),
    ]


def timed_import(label: str, files) -> None:
    from eleves.services import siecle_import_by_uai

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = siecle_import_by_uai(files=files)
        elapsed = time.perf_counter() - start
    counts = result.report
    print(
        f"{label:<28} {elapsed:6.2f} s  {len(queries):4d} requêtes  "
        f"élèves créés/mis à jour/inchangés {counts['eleves']['created']}/{counts['eleves']['updated']}/"
        f"{counts['eleves']['unchanged']}, responsables {counts['responsables']['created']}/"
        f"{counts['responsables']['updated']}/{counts['responsables']['unchanged']}"
    )


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        files = generated_export("27/11/2026")
        size = sum(len(data) for _, data in files) / 1e6
        print(
            f"Export généré : {PUPILS} élèves, {2 * PUPILS} responsables, {size:.1f} Mo ({connection.vendor})"
        )
        timed_import("premier import", files)
        timed_import("ré-import identique", files)
        changed = [
            (name, data.replace(b"<ACCEPTE_SMS>0<", b"<ACCEPTE_SMS>1<"))
            for name, data in generated_export("04/12/2026")
        ]
        timed_import("ré-import, 2 000 consentements", changed)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
