"""Celery application, configured from Django settings (``CELERY_`` namespace).

With ``REDIS_URL`` unset the settings make every task run eagerly in-process,
so the embedded (SQLite) mode needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
