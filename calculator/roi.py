from __future__ import annotations

from calculator.model import *  # noqa: F403  (the model moved to calculator/model/)
