"""What a web worker does once as it starts, before its first request."""

from __future__ import annotations

import gc

# The garbage collector's generation thresholds in a web worker. Reference
# counting frees nearly everything a request makes; what the collector adds
# is the full collection, which walks every object the worker holds (Django,
# numpy, the templates: about 100,000): 25 ms here, and with Python's
# default thresholds one runs every hundred pages or so, in some visitor's
# request. These make young collections rarer and full ones rarer still:
# about 0.25 ms a page on average in scripts/bench, and far fewer pauses.
THRESHOLDS = (50_000, 20, 100)


def prepare() -> None:
    """Tune the collector, and draw a card, so that the first visitor who asks
    for one does not wait for the fonts."""
    gc.set_threshold(*THRESHOLDS)
    from calculator.sharing import card  # needs the settings configured

    card.warm()
