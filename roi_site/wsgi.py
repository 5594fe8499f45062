"""WSGI entry point: gunicorn roi_site.wsgi:application."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roi_site.settings")

application = get_wsgi_application()

# Each web worker imports this module once, after gunicorn forks it.
from roi_site import worker  # noqa: E402  (needs the settings configured above)

worker.prepare()
