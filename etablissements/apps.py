from django.apps import AppConfig


class EtablissementsConfig(AppConfig):
    name = "etablissements"
    verbose_name = "Établissements"
