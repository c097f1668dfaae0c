from django.apps import AppConfig


class ElevesConfig(AppConfig):
    name = "eleves"
    verbose_name = "Base élèves"
