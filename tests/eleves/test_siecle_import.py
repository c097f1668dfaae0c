"""The SIECLE import against the expected result of the synthetic samples, and what it must refuse."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from eleves.demo import demo_export_files
from eleves.models import ConsentChange, Division, Eleve, Lien, Responsable, SiecleImport
from eleves.services import responsable_update, siecle_import
from eleves.siecle import reader
from eleves.siecle.reader import SiecleFileError
from eleves.sms_reach import sms_reach
from etablissements.models import AuditEntry, Etablissement

EXPECTED = json.loads((Path(__file__).parent / "expected-a.json").read_text(encoding="utf-8"))


def _files(name="sample-a", **replacements):
    """A demo export, with byte replacements to make another version of it."""
    files = []
    for file_name, data in demo_export_files(name):
        for old, new in replacements.items():
            data = data.replace(old.encode("iso-8859-15"), new.encode("iso-8859-15"))
        files.append((file_name, data))
    return files


def _snapshot():
    return (
        list(Eleve.objects.order_by("pk").values()),
        list(Responsable.objects.order_by("pk").values()),
        list(Lien.objects.order_by("pk").values()),
        list(Division.objects.order_by("pk").values()),
        ConsentChange.objects.count(),
        SiecleImport.objects.count(),
    )


def _links_as_expected(etablissement):
    links = Lien.objects.filter(eleve__etablissement=etablissement).select_related("eleve", "responsable")
    return sorted(
        (
            {
                "eleve_id": lien.eleve.siecle_id,
                "personne_id": lien.responsable.siecle_id,
                "civilite": lien.responsable.civilite,
                "responsable_nom": lien.responsable.nom,
                "responsable_nom_de_famille": lien.responsable.nom_de_famille,
                "responsable_prenom": lien.responsable.prenom,
                "legal_rank": lien.legal_rank,
                "niveau_responsabilite": lien.niveau_responsabilite,
                "code_parente": lien.lien,
                "mobile_e164": lien.responsable.tel_mobile or None,
                "accepte_sms": lien.responsable.accepte_sms,
                "sms_possible": sms_reach(lien.responsable).can_receive,
            }
            for lien in links
        ),
        key=lambda link: (link["eleve_id"], link["personne_id"]),
    )


def _expected_links(*, legacy=False):
    keys = [
        "eleve_id",
        "personne_id",
        "civilite",
        "responsable_nom",
        "responsable_nom_de_famille",
        "responsable_prenom",
        "legal_rank",
        "niveau_responsabilite",
        "code_parente",
        "mobile_e164",
        "accepte_sms",
        "sms_possible",
    ]
    links = [{key: link[key] for key in keys} for link in EXPECTED["responsable_links"]]
    if legacy:
        for link in links:
            link["niveau_responsabilite"] = None
    return sorted(links, key=lambda link: (link["eleve_id"], link["personne_id"]))


@pytest.mark.parametrize("sample", ["sample-a", "sample-a-legacy"])
def test_both_layouts_import_exactly_the_expected_result(etablissement, habilitee_user, sample):
    result = siecle_import(etablissement=etablissement, files=_files(sample), user=habilitee_user)

    eleves = (
        Eleve.objects.filter(etablissement=etablissement).select_related("division").order_by("siecle_id")
    )
    assert [
        {
            "eleve_id": e.siecle_id,
            "elenoet": e.elenoet,
            "ine": e.ine,
            "nom": e.nom,
            "nom_de_famille": e.nom_de_famille,
            "prenom": e.prenom,
            "date_naissance": e.date_naissance.isoformat(),
            "division": e.division.code,
        }
        for e in eleves
    ] == EXPECTED["students"]
    assert _links_as_expected(etablissement) == _expected_links(legacy=sample.endswith("legacy"))
    assert (
        sorted(Responsable.objects.values_list("siecle_id", flat=True)) == EXPECTED["responsables_imported"]
    )
    report = result.report
    assert report["eleves"] == {"created": 12, "updated": 0, "unchanged": 0, "rejected": 0}
    assert report["responsables"] == {"created": 22, "updated": 0, "unchanged": 0, "rejected": 0}
    assert report["liens"] == {"created": 24, "updated": 0, "unchanged": 0, "rejected": 0}
    assert report["divisions_created"] == ["3C", "4A", "5B"]
    assert (result.annee_scolaire, result.date_export) == ("2026", datetime.date(2026, 11, 27))


def test_siblings_share_their_parents_and_details_are_kept(etablissement, habilitee_user):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)

    karine = Responsable.objects.get(siecle_id="4410013")
    assert sorted(karine.liens.values_list("eleve__prenom", flat=True)) == ["Gabriel", "Inès"]
    marc = Responsable.objects.get(siecle_id="4410006")
    assert (marc.tel_mobile, marc.tel_mobile_etranger, marc.pays) == ("+32470123456", True, "BELGIQUE")
    josiane = Responsable.objects.get(siecle_id="4410012")
    assert (josiane.tel_mobile, josiane.tel_mobile_etranger) == ("+262692412783", False)
    olivier = Responsable.objects.get(siecle_id="4410005")
    assert (olivier.tel_mobile, olivier.tel_domicile) == ("", "+33478123456")
    assert (
        Lien.objects.get(
            eleve__siecle_id="2310401", responsable=Responsable.objects.get(siecle_id="4410001")
        ).qualites_label
        == "Légal 1 - Financier - Correspondant"
    )
    assert Division.objects.get(code="5B").niveau == "5e"


def test_a_reimport_changes_nothing_and_says_so(etablissement, habilitee_user):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)
    before = _snapshot()

    again = siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)

    after = _snapshot()
    assert after[:5] == before[:5]
    assert again.report["eleves"] == {"created": 0, "updated": 0, "unchanged": 12, "rejected": 0}
    assert again.report["responsables"] == {"created": 0, "updated": 0, "unchanged": 22, "rejected": 0}
    assert again.report["liens"] == {"created": 0, "updated": 0, "unchanged": 24, "rejected": 0}
    assert again.report["conflicts"] == []


def test_a_new_export_updates_by_siecle_id_and_marks_missing_pupils_as_left(etablissement, habilitee_user):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)
    hugo = Eleve.objects.get(siecle_id="2310402")
    lien_ids = set(hugo.liens.values_list("pk", flat=True))

    # The next export: Hugo BERNARD is gone, Léa MARTIN changed class, Sophie MARTIN's consent withdrawn.
    newer = _files(
        **{
            'ELEVE_ID="2310402"': 'ELEVE_ID="2310499"',
            "<ELEVE_ID>2310402</ELEVE_ID>": "<ELEVE_ID>2310499</ELEVE_ID>",
            "<DATE_EXPORT>27/11/2026": "<DATE_EXPORT>04/12/2026",
        }
    )
    newer = [
        (name, data.replace(b"<ACCEPTE_SMS>1</ACCEPTE_SMS>", b"<ACCEPTE_SMS>0</ACCEPTE_SMS>", 1))
        for name, data in newer
    ]
    result = siecle_import(etablissement=etablissement, files=newer, user=habilitee_user)

    hugo.refresh_from_db()
    assert hugo.date_sortie == datetime.date(2026, 12, 4)
    assert set(hugo.liens.values_list("pk", flat=True)) == lien_ids  # his history stays
    assert result.report["eleves_left"] == 1
    assert result.report["eleves"]["created"] == 1
    assert Eleve.objects.filter(etablissement=etablissement).count() == 13
    sophie = Responsable.objects.get(siecle_id="4410001")
    assert not sophie.accepte_sms
    change = sophie.consent_changes.get(field="accepte_sms", old_value="oui")
    assert (change.new_value, change.source, change.username) == ("non", "import", "habilitee")


def test_staff_typed_consent_is_not_overwritten_by_a_reimport(etablissement, habilitee_user):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)
    julien = Responsable.objects.get(siecle_id="4410002")  # ACCEPTE_SMS 0 in SIECLE
    lien = julien.liens.first()
    values = {"accepte_sms": True, "tel_mobile": "+33698765432"}
    responsable_update(lien=lien, user=habilitee_user, responsable_values=values, lien_values={})

    result = siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)

    julien.refresh_from_db()
    assert julien.accepte_sms
    assert result.report["conflicts"] == [
        {
            "responsable": "MARTIN Julien",
            "responsable_id": julien.pk,
            "field": "accepte les SMS",
            "ours": "oui",
            "siecle": "non",
        }
    ]


def test_oddities_of_real_exports_are_reported_one_by_one(other_etablissement, habilitee_user):
    result = siecle_import(
        etablissement=other_etablissement, files=_files("lycee-jean-moulin"), user=habilitee_user
    )

    eleves = dict(Eleve.objects.filter(etablissement=other_etablissement).values_list("siecle_id", "nom"))
    assert eleves == {"3410501": "CŒURDEROY", "3410502": "N'DIAYE", "3410503": "LE GALL", "3410504": "PAYET"}
    mobiles = dict(Responsable.objects.values_list("siecle_id", "tel_mobile"))
    assert mobiles == {
        "5510001": "+33671234567",
        "5510002": "+33781234567",
        "5510003": "",
        "5510004": "",
        "5510005": "+262693123456",
    }
    report = result.report
    assert report["eleves"]["rejected"] == 1
    assert report["liens"]["rejected"] == 1
    assert report["personnes_ignored"] == 3  # the leaver's, the unclassed pupil's and the unknown pupil's
    assert {(r["record"], r["reason"]) for r in report["rejected"]} == {
        ("Élève ROCHE Ilan (3410506)", "aucune division (classe) dans l'export : élève non importé"),
        (
            "Lien de la personne 5510008 avec l'élève 3410599",
            "élève absent du fichier des élèves : lien ignoré",
        ),
    }
    assert report["corrected"] == [
        {
            "record": "Responsable N'DIAYE Awa (5510003)",
            "reason": "Tél. Mobile non importé : « 06 12 34 » n'est pas un numéro français : "
            "il faut 10 chiffres commençant par 0.",
        }
    ]


def test_a_zipped_export_imports_like_the_plain_files(etablissement, habilitee_user):
    zipped = []
    for name, data in _files():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, data)
        zipped.append((f"ExportXML_{name[:-4]}.zip", buffer.getvalue()))

    result = siecle_import(etablissement=etablissement, files=zipped, user=habilitee_user)

    assert result.report["eleves"]["created"] == 12
    assert Eleve.objects.get(siecle_id="2310401").prenom == "Léa"


BROKEN = [
    (
        "truncated XML",
        lambda files: [(files[0][0], files[0][1][:5000]), files[1]],
        "n'est pas un XML valide (ligne",
    ),
    (
        "a PDF",
        lambda files: [("ElevesSansAdresses.pdf", b"%PDF-1.4 something"), files[1]],
        "n'est ni un fichier XML ni une archive ZIP",
    ),
    (
        "another XML",
        lambda files: [("notes.xml", b"<?xml version='1.0'?><NOTES/>"), files[1]],
        "n'est pas un export SIECLE Base élèves",
    ),
    ("one file only", lambda files: files[:1], "Il manque le fichier ResponsablesAvecAdresses.xml"),
    (
        "an entity bomb",
        lambda files: [
            (files[0][0], b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
            files[1],
        ],
        "constructions XML refusées",
    ),
    (
        "a broken zip",
        lambda files: [("ExportXML.zip", b"PK\x03\x04garbage"), files[1]],
        "endommagée ou illisible",
    ),
    (
        "re-saved as UTF-8",
        lambda files: [files[0], _resaved_as_utf8(files[1])],
        "a été ré-enregistré dans un autre encodage que celui de SIECLE",
    ),
]


def _resaved_as_utf8(file):
    """What a text editor or a spreadsheet makes of an export: UTF-8 bytes, the ISO-8859-15 declaration
    left as it was."""
    file_name, data = file
    return file_name, data.decode("iso-8859-15").encode("utf-8")


@pytest.mark.parametrize(("case", "breaker", "message"), BROKEN, ids=[case for case, _, _ in BROKEN])
def test_a_broken_or_wrong_file_changes_nothing_and_says_why(
    etablissement, habilitee_user, case, breaker, message
):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)
    before = _snapshot()

    with pytest.raises(SiecleFileError) as error:
        siecle_import(
            etablissement=etablissement,
            files=breaker(_files(**{"<DATE_EXPORT>27/11/2026": "<DATE_EXPORT>01/12/2026"})),
            user=habilitee_user,
        )

    assert message in error.value.message
    assert _snapshot() == before


def test_an_export_re_saved_as_utf8_is_refused_before_garbled_names_reach_the_sms(
    etablissement, habilitee_user
):
    eleves_file, responsables_file = _files()

    with pytest.raises(SiecleFileError) as error:
        siecle_import(
            etablissement=etablissement,
            files=[_resaved_as_utf8(eleves_file), responsables_file],
            user=habilitee_user,
        )

    message = error.value.message
    assert "Le fichier « ElevesSansAdresses.xml » a été ré-enregistré" in message
    assert "(par exemple « LÃ©a »)" in message
    assert "Rien n'a été importé." in message
    assert "Exportez de nouveau les fichiers depuis SIECLE et importez-les tels quels" in message
    assert not Eleve.objects.exists()
    assert not SiecleImport.objects.exists()


def test_an_export_with_its_accents_intact_is_not_mistaken_for_a_re_saved_one():
    export = reader.siecle_read(_files(**{"<PRENOM>Léa</PRENOM>": "<PRENOM>Œnone-Ève Çà Noël</PRENOM>"}))

    assert "Œnone-Ève Çà Noël" in {eleve.prenom for eleve in export.eleves}


def test_a_failure_halfway_rolls_the_whole_import_back(etablissement, habilitee_user, monkeypatch):
    def explode(self, *args, **kwargs):
        raise RuntimeError("panne au milieu de l'import")

    monkeypatch.setattr("eleves.siecle.importer.SiecleImporter._liens", explode)

    with pytest.raises(RuntimeError):
        siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)

    assert not Eleve.objects.exists()
    assert not Responsable.objects.exists()


def test_a_zip_too_large_once_unzipped_is_refused(etablissement, habilitee_user, monkeypatch):
    monkeypatch.setattr(reader, "MAX_XML_BYTES", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", b"<BEE_ELEVES>" + b" " * 50_000 + b"</BEE_ELEVES>")

    with pytest.raises(SiecleFileError, match="trop volumineuse une fois décompressée"):
        siecle_import(etablissement=etablissement, files=[("e.zip", buffer.getvalue())], user=habilitee_user)


def test_the_upload_refuses_another_schools_export(other_etablissement, habilitee_user):
    with pytest.raises(SiecleFileError) as error:
        siecle_import(etablissement=other_etablissement, files=_files(), user=habilitee_user)

    assert error.value.message == (
        "Cet export est celui de l'établissement 0699990J, pas de Lycée Jean Moulin (0699991K) : "
        "rien n'a été importé."
    )
    assert not Eleve.objects.exists()


def test_an_older_export_than_the_last_import_is_refused(etablissement, habilitee_user):
    siecle_import(etablissement=etablissement, files=_files(), user=habilitee_user)

    with pytest.raises(SiecleFileError, match="avant celui déjà importé"):
        siecle_import(
            etablissement=etablissement,
            files=_files(**{"<DATE_EXPORT>27/11/2026": "<DATE_EXPORT>01/09/2026"}),
            user=habilitee_user,
        )


def test_the_command_imports_into_the_school_of_the_uai_and_creates_it(db, tmp_path):
    paths = []
    for name, data in _files():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    out = io.StringIO()

    call_command("import_siecle", *paths, stdout=out)

    etablissement = Etablissement.objects.get(uai="0699990J")
    assert Eleve.objects.filter(etablissement=etablissement).count() == 12
    assert "12 élèves créés" in out.getvalue()
    assert AuditEntry.objects.filter(action="eleves.siecle_imported", username="").count() == 0
    assert SiecleImport.objects.get().username == "import_siecle (ligne de commande)"


def test_the_command_says_what_is_wrong_in_french(db, tmp_path):
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(b"<BEE_ELEVES><PARAMETRES>")

    with pytest.raises(Exception, match="n'est pas un XML valide"):
        call_command("import_siecle", str(path))

    assert not Etablissement.objects.exists()
