"""Forms of the agency features: the embed's lead form and the dashboard's profile form."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image, UnidentifiedImageError

from calculator import model
from calculator.embeds.builder import BRAND_ACCENT, PREFILL_KEYS, SECTION_LABELS, prefill_field
from calculator.embeds.display import SECTIONS
from calculator.embeds.models import LAYOUT_CHOICES, control_characters
from calculator.fields import FieldView, field_views
from calculator.forms import CalculatorForm
from calculator.models import EmbedProfile

from . import tokens


def plain_line(text: str) -> str:
    """``text`` as one line of plain text: tabs and line breaks become spaces,
    other control and format characters (terminal escapes, right-to-left
    overrides, zero-width marks) go, and runs of spaces become one."""
    spaced = "".join(" " if c.isspace() else c for c in text)
    hidden = set(control_characters(spaced))
    return " ".join("".join(c for c in spaced if c not in hidden).split())


class LeadForm(forms.Form):
    """'Email me this report': checked here, at the one boundary, field by field."""

    email = forms.EmailField(label=_("Your email"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    consent = forms.BooleanField(required=False)
    # A honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, max_length=200)
    token = forms.CharField(max_length=200)
    q = forms.CharField(max_length=2000)

    def __init__(self, *args, profile: EmbedProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.calculation: CalculatorForm | None = None

    def clean_name(self) -> str:
        # Shown in the agency's dashboard, emails and exports, and on terminals.
        return plain_line(self.cleaned_data["name"])

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not tokens.valid(token, self.profile.slug):
            raise ValidationError(
                _("This form has expired. Change any input, or reload, and send it again."),
                code="expired",
            )
        return token

    def clean_q(self) -> str:
        calculation = CalculatorForm(QueryDict(self.cleaned_data["q"]))
        if not calculation.is_valid():
            raise ValidationError(
                _("This result has invalid inputs; fix them and send the form again."),
                code="result",
            )
        self.calculation = calculation
        return calculation.canonical_query()


LOGO_BOX = (600, 240)  # the largest logo kept, in pixels; the embed shows it far smaller
# The most pixels an upload may have. A PNG is decoded whole before it is
# scaled down, and a few KB of file can declare 25 megapixels (about 190 MB
# of a worker's memory); 4 megapixels cost at most 16 MB as RGBA.
LOGO_MAX_PIXELS = 2048 * 2048


def encode_logo(upload) -> tuple[bytes, str]:
    """The upload re-encoded as a PNG no bigger than LOGO_BOX, and its digest.

    Re-encoding keeps only pixels: no SVG (which could carry script), no
    metadata, nothing Pillow cannot read.
    """
    if upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("Upload a logo of at most %(kb)s KB."), params={"kb": settings.LOGO_MAX_BYTES // 1024}
        )
    try:
        with Image.open(upload) as image:
            if image.format not in ("PNG", "JPEG", "WEBP", "GIF"):
                raise ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."))
            # Image.open has read only the header: refuse before any decoding.
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    _(
                        "This image is %(width)s × %(height)s pixels; upload one of at "
                        "most 4 megapixels, such as 2000 × 2000."
                    ),
                    params={"width": image.width, "height": image.height},
                )
            # thumbnail() decodes a JPEG already scaled down (draft()) and
            # shrinks the rest by whole factors first (reduce()), so the
            # full-size pixels are held once at most.
            image.thumbnail(LOGO_BOX)
            out = io.BytesIO()
            image.convert("RGBA").save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image that can be read.")) from None
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()[:16]


# What the site's staff approve in a profile: its report emails carry these.
APPROVED_WORDING = frozenset({"agency_name", "cta_label", "cta_url"})


class ProfileForm(forms.ModelForm):
    """An agency's own embed profile. The model's clean() checks every value."""

    logo = forms.FileField(
        label=_("Logo upload"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 512 KB; shown at most 40 px high."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the uploaded logo"), required=False)
    logo_dark = forms.FileField(
        label=_("Logo for dark backgrounds"),
        required=False,
        help_text=_("Shown in dark mode. Without it, your logo sits on a light plate there."),
    )
    remove_logo_dark = forms.BooleanField(
        label=_("Remove the logo for dark backgrounds"), required=False
    )
    hide = forms.MultipleChoiceField(
        label=_("Hidden sections"),
        required=False,
        choices=[(key, SECTION_LABELS[key]) for key in SECTIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EmbedProfile
        fields = [
            "agency_name",
            "slug",
            "accent",
            "theme",
            "layout",
            "language",
            "logo_url",
            "cta_label",
            "cta_url",
            "allowed_origins",
            "powered_by",
            "lead_capture",
            "privacy_url",
            "lead_retention_days",
            "notify_email",
            "webhook_url",
        ]
        labels = {"agency_name": _("Name"), "logo_url": _("Logo address")}
        help_texts = {
            "agency_name": _("Shown to visitors: the logo's text and the consent wording."),
            "logo_url": _("Or link an https:// image instead of uploading one."),
            "accent": _("Links and buttons. A pale colour is darkened where text needs contrast."),
            "slug": _(
                "The embed's address, /embed/your-slug/: lower-case letters, digits, hyphens."
            ),
        }
        widgets = {
            "allowed_origins": forms.Textarea(attrs={"rows": 3}),
            # The builder's picker; it always sends a colour, so an empty
            # accent (the site's own) is shown, and kept, as the site's colour.
            "accent": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hide"].initial = sorted(self.instance.hidden)
        # Full or compact, never "none": an empty stored layout reads as full.
        self.fields["layout"].choices = LAYOUT_CHOICES
        self.initial.setdefault("layout", self.instance.layout or "full")
        if not self.instance.accent:
            self.initial["accent"] = f"#{BRAND_ACCENT}"
        self.logo: tuple[bytes, str] | None = None
        self.logo_dark: tuple[bytes, str] | None = None
        self.starting_given: dict[str, str] = {}
        self.starting = self._starting_inputs()

    def clean_layout(self) -> str:
        return self.cleaned_data["layout"] or "full"  # a form without the select: full

    def _starting_inputs(self) -> CalculatorForm:
        """The starting inputs the builder offers, read by the calculator's own
        form: posted, else the profile's stored ones."""
        if self.is_bound:
            source = {key: self.data.get(key, "") for key in PREFILL_KEYS}
        else:
            source = {key: self.instance.defaults.get(key, "") for key in PREFILL_KEYS}
        self.starting_given = {key: value.strip() for key, value in source.items() if value.strip()}
        starting = CalculatorForm(self.starting_given)
        starting.is_valid()
        return starting

    def starting_fields(self) -> list[FieldView]:
        """The calculator's fields for the starting inputs, as the builder shows them:
        empty where the calculator's default applies, each with its own message."""
        given = self.starting_given
        currency = self.starting.cleaned_data.get("currency") or model.DEFAULTS.currency
        views = field_views(self.starting, list(PREFILL_KEYS), currency)
        return [prefill_field(view, given) for view in views]

    def clean_accent(self) -> str:
        accent = self.cleaned_data["accent"]
        if not self.instance.accent and accent.lstrip("#").lower() == BRAND_ACCENT:
            return ""  # the site's own colour, as before: it follows the site's
        return accent

    def clean_agency_name(self) -> str:
        return plain_line(self.cleaned_data["agency_name"])

    def clean_cta_label(self) -> str:
        return plain_line(self.cleaned_data["cta_label"])

    def clean(self) -> dict:
        cleaned = super().clean()
        owner = self.instance.owner_id
        limit = settings.PROFILES_PER_ACCOUNT
        # Each profile has its own lead limits: a cap keeps their sum bounded.
        new = self.instance.pk is None and owner is not None
        if self.starting.errors:
            self.add_error(
                None,
                ValidationError(_("Fix the starting inputs marked below."), code="starting_inputs"),
            )
        if new and EmbedProfile.objects.filter(owner_id=owner).count() >= limit:
            raise ValidationError(
                ngettext_lazy(
                    "An account can have at most %(limit)s profile. "
                    "Delete one you no longer use to make another.",
                    "An account can have at most %(limit)s profiles. "
                    "Delete one you no longer use to make another.",
                    "limit",
                ),
                params={"limit": limit},
                code="profiles",
            )
        return cleaned

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        taken = EmbedProfile.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("This address is taken; choose another."))
        return slug

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            self.logo = encode_logo(upload)
        return upload

    def clean_logo_dark(self):
        upload = self.cleaned_data.get("logo_dark")
        if upload:
            self.logo_dark = encode_logo(upload)
        return upload

    def _post_clean(self) -> None:
        self.instance.hidden_sections = ",".join(self.cleaned_data.get("hide", []))
        if not self.starting.errors:
            # The fields offered here replace their keys; any other input the
            # profile starts with (set in the admin, say) is kept as it was.
            kept = [
                (key, value)
                for key, value in self.instance.defaults.items()
                if key not in PREFILL_KEYS
            ]
            # Stored as the calculator writes them, whatever language they
            # were typed in ('30.000,5' on a German page is 30000.5).
            canonical = QueryDict(self.starting.canonical_query())
            given = [(key, canonical.get(key, value)) for key, value in self.starting_given.items()]
            self.instance.default_inputs = urlencode(kept + given)
        super()._post_clean()

    def save(self, commit: bool = True) -> EmbedProfile:
        profile = super().save(commit=False)
        if profile.approved and APPROVED_WORDING.intersection(self.changed_data):
            # The staff approved these words and this link, not their replacement.
            profile.approved = False
        if self.logo:
            profile.logo_png, profile.logo_digest = self.logo
        elif self.cleaned_data.get("remove_logo"):
            profile.logo_png, profile.logo_digest = b"", ""
        if self.logo_dark:
            profile.logo_dark_png, profile.logo_dark_digest = self.logo_dark
        elif self.cleaned_data.get("remove_logo_dark"):
            profile.logo_dark_png, profile.logo_dark_digest = b"", ""
        if commit:
            profile.save()
        return profile
