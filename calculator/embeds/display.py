"""The embed's display options and colours: validated strictly, used only as CSS.

A host page sets the embed's look with query keys (``accent``, ``theme``,
``compact``, ``layout``, ``hide``, ``frame``), read by ``EmbedDisplayForm``.
Each value either matches its pattern exactly or is ignored; none is ever
written into markup except as one of a fixed set of class names, or, for the
accent, as a colour recomputed from its digits in the separate theme
stylesheet (the CSP forbids inline styles).

The loader adds ``host``, the page that shows a profile's embed, read by the
same form: an http(s) address, honoured only in a profile's embed and, when
the profile lists the sites allowed to show it, only on one of those. It is
written into markup only as an escaped attribute value and as links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

from calculator.sharing import links

THEMES = ("auto", "light", "dark")
# "full": every section in turn. "compact": the verdict, the key figures and the
# lead form first, the rest in disclosures, for a narrow column of a host page.
LAYOUTS = ("full", "compact")
# Parts a host may leave out, in the order the embed shows them: the form's
# choice of ad platforms (the platforms the link names stay, fixed), then the
# result sections.
SECTIONS = (
    "platforms",
    "holdout",
    "measurement",
    "losses",
    "cashflow",
    "sensitivity",
    "compare",
    "share",
    "export",
)
HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
FRAME_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
DISPLAY_KEYS = ("accent", "theme", "compact", "layout", "hide", "frame", "host")
MAX_VALUE = 200  # longer than any valid value; longer input is ignored unread
MAX_HOST = links.MAX_HOST  # the host page's address may be longer

# The page's backgrounds (static/css/site.css): --bg and --surface per scheme.
LIGHT_BACKGROUNDS = ("#f6f7f9", "#ffffff")
DARK_BACKGROUNDS = ("#0f141a", "#171e27")
AA = 4.5  # WCAG AA contrast for normal text


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
    layout: str = "full"
    host: str | None = None  # the host page, for a profile's embed only

    def body_classes(self) -> str:
        classes = ["embed"]
        if self.theme != "auto":
            classes.append(f"theme-{self.theme}")
        if self.compact:
            classes.append("embed--compact")
        if self.layout != "full":
            classes.append(f"embed--layout-{self.layout}")
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
        if self.layout != "full":
            pairs.append(("layout", self.layout))
        if self.hide:
            pairs.append(("hide", ",".join(s for s in SECTIONS if s in self.hide)))
        if self.frame:
            pairs.append(("frame", self.frame))
        if self.host:
            pairs.append(("host", self.host))
        return pairs


class OneValue(forms.TextInput):
    """A query key's one value: missing, repeated or longer than any valid value
    (left unread) reads as not given, so the option keeps its default."""

    longest = MAX_VALUE

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> str | None:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if len(values) != 1 or not isinstance(values[0], str) or len(values[0]) > self.longest:
            return None
        return values[0]


class OneAddress(OneValue):
    longest = MAX_HOST


def _option() -> forms.CharField:
    return forms.CharField(required=False, widget=OneValue)


class EmbedDisplayForm(forms.Form):
    """The display options of an embed's query. Each one is read alone: an
    invalid one is refused and keeps its default, the others still apply.

    A profile's accent, theme and layout are defaults the query may override;
    the sections it hides stay hidden, and the query may hide more.

    ``host_origins`` says where a host page is honoured: None (the site's own
    embed) nowhere, an empty list anywhere, else on those origins only.
    """

    accent = _option()
    theme = forms.ChoiceField(choices=[(t, t) for t in THEMES], required=False, widget=OneValue)
    compact = _option()
    layout = forms.ChoiceField(
        choices=[(name, name) for name in LAYOUTS], required=False, widget=OneValue
    )
    hide = _option()  # section names, separated by commas
    frame = _option()
    host = forms.CharField(required=False, widget=OneAddress)

    def __init__(
        self,
        data: Mapping[str, Any],
        default_accent: str | None = None,
        default_theme: str = "auto",
        always_hide: frozenset[str] = frozenset(),
        default_layout: str = "full",
        host_origins: list[str] | None = None,
    ):
        super().__init__(data=data)
        self.default_accent = default_accent
        self.default_theme = default_theme
        self.always_hide = always_hide
        self.default_layout = default_layout if default_layout in LAYOUTS else "full"
        self.host_origins = host_origins

    # The refusals' messages are never shown: a refused option keeps its default.

    def clean_accent(self) -> str | None:
        text = self.cleaned_data["accent"]
        accent = parse_accent(text)
        if text and accent is None:
            raise ValidationError("Not a colour.", code="invalid")
        return accent

    def clean_compact(self) -> bool:
        return self.cleaned_data["compact"] == "1"

    def clean_hide(self) -> frozenset[str]:
        """The known sections named; an unknown name is left out alone."""
        words = {word.strip().lower() for word in self.cleaned_data["hide"].split(",")}
        return frozenset(words & set(SECTIONS))

    def clean_frame(self) -> str | None:
        frame = self.cleaned_data["frame"]
        if frame and not FRAME_ID.fullmatch(frame):
            raise ValidationError("Not a frame id.", code="invalid")
        return frame or None

    def clean_host(self) -> str | None:
        text = self.cleaned_data["host"]
        if not text or self.host_origins is None:
            return None  # the site's own embed links to the site
        host = links.clean_host(text)
        if host is None:
            raise ValidationError("Not an http(s) address.", code="invalid")
        if self.host_origins and origin_of(host) not in self.host_origins:
            # Not one of the profile's sites: its links would lead elsewhere.
            raise ValidationError("Not one of the profile's sites.", code="elsewhere")
        return host

    def display(self) -> Display:
        """The options as read, with the defaults where one is missing or refused."""
        self.is_valid()
        data = self.cleaned_data
        return Display(
            accent=data.get("accent") or self.default_accent,
            theme=data.get("theme") or self.default_theme,
            compact=data.get("compact", False),
            hide=(data.get("hide", frozenset()) | self.always_hide) & frozenset(SECTIONS),
            frame=data.get("frame"),
            layout=data.get("layout") or self.default_layout,
            host=data.get("host"),
        )


def origin_of(url: str) -> str:
    """'https://agency.example:8443/page?x' becomes 'https://agency.example:8443',
    the form of a profile's allowed sites."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def display_options(
    query: Mapping[str, Any],
    default_accent: str | None = None,
    default_theme: str = "auto",
    always_hide: frozenset[str] = frozenset(),
    default_layout: str = "full",
    host_origins: list[str] | None = None,
) -> Display:
    """The valid display options of ``query`` (EmbedDisplayForm)."""
    form = EmbedDisplayForm(
        query, default_accent, default_theme, always_hide, default_layout, host_origins
    )
    return form.display()


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
