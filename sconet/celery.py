import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sconet.settings")

app = Celery("sconet", include=["sconet.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
