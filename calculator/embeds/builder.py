"""The builder: an agency's way to the snippet that embeds the calculator."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from calculator import locale, model
from calculator.embeds import display as embed_display
from calculator.embeds.models import EmbedProfile
from calculator.fields import FieldView, field_views
from calculator.forms import DEFAULT_INTEGRATION, CalculatorForm
from calculator.integrations import INTEGRATIONS

# The inputs a builder or a profile may start the calculator with: Meta's,
# the other platforms' (which preset where the store advertises), the store's.
PREFILL_KEYS = (
    "spend",
    "conversions",
    "google_spend",
    "google_conversions",
    "tiktok_spend",
    "tiktok_conversions",
    "aov",
    "margin",
    "currency",
    "store",
    "integration",
    "cpa_gain",
)
BRAND_ACCENT = "0b57b8"  # --brand in static/css/site.css
HEIGHTS = (300, 4000)
DEFAULT_HEIGHT = 1400
SECTION_LABELS = {
    "platforms": gettext_lazy("The choice of ad platforms (the ones set here stay)"),
    "holdout": gettext_lazy("Holdout test planner"),
    "measurement": gettext_lazy("What each platform will report"),
    "losses": gettext_lazy("Purchases lost, by cause"),
    "cashflow": gettext_lazy("Cash flow"),
    "sensitivity": gettext_lazy("What moves the result"),
    "compare": gettext_lazy("Which integration pays best"),
    "share": gettext_lazy("Share panel"),
    "export": gettext_lazy("CSV download and print"),
}
FRAME_TITLE = gettext_lazy("CAPI ROI calculator")


def _height(value: str | None) -> int:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) < 6:
        return min(max(int(text), HEIGHTS[0]), HEIGHTS[1])
    return DEFAULT_HEIGHT


def _default(key: str) -> str:
    if key == "integration":
        return INTEGRATIONS[DEFAULT_INTEGRATION].short
    if key == "store":  # not a model input: the comparison's default store
        return model.DEFAULT_STORE
    value = getattr(model.DEFAULTS, key)
    if value is None:  # an optional input, such as the CPA improvement: empty
        return ""
    return value if isinstance(value, str) else model.format_number(value)


def prefill_field(view: FieldView, given: dict[str, str]) -> FieldView:
    """The calculator's field as the builder offers it: empty unless given,
    showing the calculator's default, and with ids apart from the preview's."""
    default = _default(view.name)
    choices = view.choices
    if choices:
        choices = [("", _("Default (%(default)s)") % {"default": default}), *choices]
    return replace(
        view,
        id=f"b-{view.name}",
        slot=f"b-{view.name}",
        value=given.get(view.name, ""),
        placeholder="" if choices else default,
        choices=choices,
        errors=view.errors if view.name in given else [],
        option_data={},
    )


# The frame's own style. Browsers draw an iframe inline with a 2 px inset
# border: with width:100% it is then 4 px wider than the host's column and the
# page scrolls sideways. A block without a border fills the column exactly,
# and max-width keeps a frame of fixed pixels (oEmbed's) inside a narrower one.
FRAME_STYLE = "display:block;max-width:100%;border:0"


def snippet(src: str, height: int, loader: str, width: int | None = None) -> str:
    """The HTML an agency pastes: the iframe works alone; the script sizes it.

    Its own width is the host column's (a style, since HTML's width attribute
    takes pixels only, so width="100%" is invalid on every page that pastes
    it), or ``width`` pixels where an oEmbed consumer asked for a size.
    """
    size = format_html('width="{}" ', width) if width else ""
    style = FRAME_STYLE if width else f"{FRAME_STYLE};width:100%"
    return format_html(
        '<iframe src="{}" title="{}" loading="lazy" {}height="{}" style="{}" '
        'allow="clipboard-write" data-capi-roi></iframe>\n<script src="{}" async></script>',
        src,
        FRAME_TITLE,
        size,
        height,
        style,
        loader,
    )


class EachChecked(forms.TextInput):
    """Checkboxes of one name, read as one list separated by commas, as an
    embed's own ``hide`` is written."""

    def value_from_datadict(self, data: QueryDict, files: Any, name: str) -> str:
        return ",".join(data.getlist(name))[: embed_display.MAX_VALUE]


class BuilderForm(embed_display.EmbedDisplayForm):
    """The builder's look controls: the embed's display options as its inputs
    send them (a checkbox for each hidden section), the frame's initial
    height and the embed's language."""

    hide = forms.CharField(required=False, widget=EachChecked)
    height = forms.CharField(required=False)
    lang = forms.CharField(required=False)  # locale.CHOSEN

    def clean_height(self) -> int:
        return _height(self.cleaned_data["height"])

    def clean_lang(self) -> str | None:
        return locale.valid(self.cleaned_data["lang"])


def _prefill(query: QueryDict, profile: EmbedProfile | None) -> dict[str, str]:
    """The prefill inputs the builder was given: the query's, else the profile's."""
    defaults = profile.defaults if profile else QueryDict()
    given = {}
    for key in PREFILL_KEYS:
        value = query.get(key, defaults.get(key, "")) if key in query or profile else ""
        if isinstance(value, str) and value.strip() and len(value) <= 100:
            given[key] = value.strip()
    return given


def builder_context(request: HttpRequest, profile: EmbedProfile | None) -> dict[str, Any]:
    """The builder's fields and the snippet they make. Only valid prefill values
    reach the snippet; the others are named with the calculator's own message."""
    given = _prefill(request.GET, profile)
    form = CalculatorForm(given)
    form.is_valid()
    prefill = [(key, value) for key, value in given.items() if key not in form.errors]
    currency = form.cleaned_data.get("currency") or model.DEFAULTS.currency
    fields = [prefill_field(view, given) for view in field_views(form, PREFILL_KEYS, currency)]
    base_accent = (profile.accent_digits if profile else None) or BRAND_ACCENT
    look = BuilderForm(request.GET, default_accent=base_accent)
    display = look.display()
    # The snippet names the accent only where it is not the profile's (or the site's).
    chosen = replace(
        display,
        accent=display.accent if display.accent != base_accent else None,
        frame="capi-roi",
    )
    height = look.cleaned_data["height"]
    path = reverse("embed-profile", args=[profile.slug]) if profile else reverse("embed")
    # The embed's language: the profile's when it fixes one, else the choice
    # here, which starts as the builder page's own language.
    fixed = locale.valid(profile.language) if profile else None
    language = fixed or look.cleaned_data["lang"] or translation.get_language()
    if language != locale.DEFAULT and not fixed:
        prefill = [*prefill, (locale.CHOSEN, language)]
    src = request.build_absolute_uri(path) + "?" + urlencode([*prefill, *chosen.pairs()])
    preview = replace(chosen, frame="capi-roi-preview")
    return {
        "profile": profile,
        "fields": fields,
        "accent": f"#{display.accent}",
        "display": display,
        "themes": embed_display.THEMES,
        "languages": settings.LANGUAGES,
        "embed_language": language,
        "language_fixed": bool(fixed),
        "sections": [(key, SECTION_LABELS[key]) for key in embed_display.SECTIONS],
        "height": height,
        "heights": HEIGHTS,
        "snippet": snippet(src, height, request.build_absolute_uri(reverse("embed-js"))),
        "preview_src": f"{path}?{urlencode([*prefill, *preview.pairs()])}",
    }


@require_http_methods(["GET", "HEAD"])
def builder(request: HttpRequest) -> HttpResponse:
    """The snippet builder, a page of the site (framing denied like the others)."""
    slug = request.GET.get("profile")
    profile = get_object_or_404(EmbedProfile, slug=slug) if slug else None
    context = builder_context(request, profile)
    template = "calculator/builder.html"
    if request.htmx:
        template += "#output"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
