from __future__ import annotations

import os

from hypothesis import settings

# In CI the examples are derandomized, so a run can be repeated exactly;
# locally each run explores new ones.
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=bool(os.environ.get("CI"))
)
settings.load_profile("ci")
