"""The Celery app. Beat's schedule lives in settings (CELERY_BEAT_SCHEDULE); run exactly one beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calibration.settings")

app = Celery("calibration")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
