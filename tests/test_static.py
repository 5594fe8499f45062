"""collectstatic with production settings writes hashed, compressed files."""

from __future__ import annotations

import json

from .test_settings import PRODUCTION, manage

COLLECT = """
from django.core.management import call_command
from django.test.utils import override_settings
with override_settings(STATIC_ROOT={root!r}):
    call_command("collectstatic", interactive=False, verbosity=0)
"""


def test_collectstatic_hashes_and_compresses(tmp_path):
    result = manage("shell", "-v", "0", "-c", COLLECT.format(root=str(tmp_path)), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    favicon = manifest["favicon.svg"]
    assert favicon != "favicon.svg"
    assert favicon.startswith("favicon.")
    assert (tmp_path / favicon).is_file()
    css = manifest["admin/css/base.css"]
    assert (tmp_path / css).is_file()
    assert (tmp_path / f"{css}.gz").is_file()
