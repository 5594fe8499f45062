"""gunicorn's settings for the site, read with ``-c``:

    gunicorn -c roi_site/gunicorn.py roi_site.wsgi:application --bind ADDRESS

Three worker processes of four threads each: a page spends most of its time
in numpy and the template engine, which hold the interpreter, so threads
share a process's memory (the catalogs, the fonts) while the processes
use the cores. The tests and the load script start gunicorn with this file.
"""

from __future__ import annotations

worker_class = "gthread"
workers = 3
threads = 4
