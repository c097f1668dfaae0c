from django.core.management.base import BaseCommand

from sconet.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_is_needed, demo_load


class Command(BaseCommand):
    help = "Crée les établissements et comptes de démonstration si la base est vide."

    def handle(self, *args, **options):
        if demo_is_needed():
            demo_load()
            self.stdout.write("Établissements de démonstration créés.")
        else:
            self.stdout.write("La base contient déjà des établissements : rien à créer.")
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for username, who in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {who}")
