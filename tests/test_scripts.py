"""The development scripts run: they live outside the app, where no import of
the site's own tests would notice a module that moved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_benchmark_runs_and_prints_every_figure(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick"],
        cwd=tmp_path,  # anywhere: the script finds the project itself
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for figure in (
        "deterministic calculation",
        "uncertainty + sensitivity",
        "API, in process",
        "full page, server render",
        "social card",
        "page in 'de'",
        "same social card again",
    ):
        assert figure in run.stdout
