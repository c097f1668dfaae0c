from django.apps import AppConfig


class EnvoisConfig(AppConfig):
    name = "envois"
    verbose_name = "Courriers et courriels"
