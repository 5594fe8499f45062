"""The embed's display options and colours: validated strictly, used only as CSS.

A host page sets the embed's look with query keys (``accent``, ``theme``,
``compact``, ``hide``, ``frame``). Each value either matches its pattern
exactly or is ignored; none is ever written into markup except as one of a
fixed set of class names, or, for the accent, as a colour recomputed from its
digits in the separate theme stylesheet (the CSP forbids inline styles).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

THEMES = ("auto", "light", "dark")
# Result sections a host may leave out, in the order the results show them.
SECTIONS = ("holdout", "measurement", "losses", "cashflow", "sensitivity", "share", "export")
HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
FRAME_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
DISPLAY_KEYS = ("accent", "theme", "compact", "hide", "frame")
MAX_VALUE = 200  # longer than any valid value; longer input is ignored unread

# The page's backgrounds (static/css/site.css): --bg and --surface per scheme.
LIGHT_BACKGROUNDS = ("#f6f7f9", "#ffffff")
DARK_BACKGROUNDS = ("#0f141a", "#171e27")
AA = 4.5  # WCAG AA contrast for normal text


def _single(query: Mapping[str, Any], key: str) -> str | None:
    """The key's one value, or None when missing, repeated or too long."""
    if hasattr(query, "getlist"):
        values = query.getlist(key)
        if len(values) != 1:
            return None
        value = values[0]
    else:
        value = query.get(key)
    if not isinstance(value, str) or len(value) > MAX_VALUE:
        return None
    return value.strip()


def parse_accent(value: str | None) -> str | None:
    """'#0B57B8', '0b57b8' or 'f80' becomes '0b57b8' / 'ff8800'; anything else None."""
    if not value:
        return None
    match = HEX.fullmatch(value.strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return digits


@dataclass(frozen=True)
class Display:
    """How one embed looks; the defaults are the site's own look."""

    accent: str | None = None  # six lower-case hex digits, no '#'
    theme: str = "auto"
    compact: bool = False
    hide: frozenset[str] = field(default_factory=frozenset)
    frame: str | None = None

    def body_classes(self) -> str:
        classes = ["embed"]
        if self.theme != "auto":
            classes.append(f"theme-{self.theme}")
        if self.compact:
            classes.append("embed--compact")
        return " ".join(classes)

    def pairs(self) -> list[tuple[str, str]]:
        """The options as query pairs, for hidden inputs and links, in a fixed order."""
        pairs = []
        if self.accent:
            pairs.append(("accent", self.accent))
        if self.theme != "auto":
            pairs.append(("theme", self.theme))
        if self.compact:
            pairs.append(("compact", "1"))
        if self.hide:
            pairs.append(("hide", ",".join(s for s in SECTIONS if s in self.hide)))
        if self.frame:
            pairs.append(("frame", self.frame))
        return pairs


def display_options(
    query: Mapping[str, Any],
    default_accent: str | None = None,
    default_theme: str = "auto",
    always_hide: frozenset[str] = frozenset(),
) -> Display:
    """The valid display options of ``query``; each invalid one is dropped alone.

    A profile's accent and theme are defaults the query may override; the
    sections it hides stay hidden, and the query may hide more.
    """
    accent = parse_accent(_single(query, "accent")) or default_accent
    theme = _single(query, "theme")
    hide_text = _single(query, "hide") or ""
    hide = {word.strip().lower() for word in hide_text.split(",")} | set(always_hide)
    frame = _single(query, "frame")
    return Display(
        accent=accent,
        theme=theme if theme in THEMES else default_theme,
        compact=_single(query, "compact") == "1",
        hide=frozenset(hide & set(SECTIONS)),
        frame=frame if frame and FRAME_ID.fullmatch(frame) else None,
    )


# Colours: WCAG 2 relative luminance and contrast.


def _rgb(digits: str) -> tuple[int, int, int]:
    digits = digits.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(min(255, max(0, c))):02x}" for c in rgb)


def luminance(digits: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(digits))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(digits: str) -> str:
    """Black or white, whichever reads better on the colour: always at least 4.5:1."""
    return "000000" if contrast(digits, "000000") >= contrast(digits, "ffffff") else "ffffff"


def readable(digits: str, backgrounds: tuple[str, ...]) -> str:
    """The colour, mixed towards black (light backgrounds) or white (dark ones) in
    small steps until it reaches AA contrast on every background, as links and
    headline figures use it as text."""
    light = luminance(backgrounds[0]) > 0.5
    target = (0, 0, 0) if light else (255, 255, 255)
    start = _rgb(digits)
    for step in range(21):
        share = step / 20
        mixed = _hex(tuple(c + (t - c) * share for c, t in zip(start, target, strict=True)))
        if all(contrast(mixed, bg) >= AA for bg in backgrounds):
            return mixed
    return _hex(target)


def theme_css(digits: str) -> str:
    """The stylesheet of one accent: the colour for each scheme and its ink.

    Loaded after site.css, with selectors one step more specific than its
    theme classes, so the accent wins over the site's brand colour.
    """
    light = readable(digits, LIGHT_BACKGROUNDS)
    dark = readable(digits, DARK_BACKGROUNDS)

    def rule(selector: str, colour: str) -> str:
        return f"{selector} {{ --accent: #{colour}; --accent-ink: #{ink(colour)}; }}\n"

    return (
        f"/* Accent #{digits}, adjusted where needed for WCAG AA contrast. */\n"
        + rule("body.embed", light)
        + "@media (prefers-color-scheme: dark) {\n  "
        + rule("body.embed:not(.theme-light)", dark)
        + "}\n"
        + rule("body.embed.theme-dark", dark)
    )
