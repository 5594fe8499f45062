"""What a web worker does once as it starts, before its first request."""

from __future__ import annotations

import gc

# The garbage collector's generation thresholds in a web worker. A result
# page creates some 30,000 short-lived containers; Python's default (a young
# collection every 700) runs dozens of collections a page, each walking what
# survived so far. Nearly all of it is freed by reference counting anyway, so
# collecting a young generation every 50,000 is as safe and costs less:
# about 0.25 ms of a 6 ms page (calculator.bench).
THRESHOLDS = (50_000, 20, 100)


def prepare() -> None:
    """Tune the collector, and draw a card, so that the first visitor who asks
    for one does not wait for the fonts."""
    gc.set_threshold(*THRESHOLDS)
    from calculator import card  # needs the settings configured

    card.warm()
