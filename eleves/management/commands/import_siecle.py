from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eleves.services import siecle_import_by_uai
from eleves.siecle.reader import SiecleFileError


class Command(BaseCommand):
    help = (
        "Importe un export SIECLE (ElevesSansAdresses.xml et ResponsablesAvecAdresses.xml, ou leurs "
        "ExportXML_….zip) dans l'établissement de son UAJ, créé s'il n'existe pas."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="les fichiers XML ou ZIP de l'export")

    def handle(self, *args, files, **options):
        try:
            uploads = [(path.name, path.read_bytes()) for path in files]
            result = siecle_import_by_uai(files=uploads)
        except OSError as error:
            raise CommandError(f"Lecture impossible : {error}") from None
        except SiecleFileError as error:
            raise CommandError(error.message) from None
        report = result.report
        self.stdout.write(f"{result.etablissement} : import de l'export du {result.date_export:%d/%m/%Y}.")
        for label, key in (("élèves", "eleves"), ("responsables", "responsables"), ("liens", "liens")):
            counts = report[key]
            self.stdout.write(
                f"  {counts['created']} {label} créés, {counts['updated']} mis à jour, "
                f"{counts['unchanged']} inchangés, {counts['rejected']} rejetés"
            )
        self.stdout.write(f"  {report['eleves_left']} élèves sortis ; {len(report['conflicts'])} conflit(s)")
        for note in report["rejected"] + report["corrected"]:
            self.stdout.write(f"  - {note['record']} : {note['reason']}")
        for conflict in report["conflicts"]:
            self.stdout.write(
                f"  ! {conflict['responsable']} : {conflict['field']} « {conflict['ours']} » gardé, "
                f"SIECLE dit « {conflict['siecle']} »"
            )
