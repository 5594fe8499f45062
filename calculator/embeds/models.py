"""Embed profiles: an agency's own calculator (its look, its starting inputs,
the sites that may frame it, its leads) and each profile's daily counts.

Imported by calculator/models.py, so they belong to the calculator app and
its migrations.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calculator.agency.webhooks import UnsafeURL, check_url
from calculator.embeds.display import SECTIONS, parse_accent
from calculator.forms import FORM_KEYS, MAX_QUERY, CalculatorForm

# A frame-ancestors source that no page matches.
NO_SITE = "'none'"

ORIGIN = re.compile(r"https://[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[0-9]{1,5})?")


# /embed/builder/ is the builder's own address, not a profile's.
RESERVED_SLUGS = {"builder"}


def validate_accent(value: str) -> None:
    if parse_accent(value) is None:
        raise ValidationError("Enter a hex colour such as #0b57b8 or #f80.", code="accent")


def control_characters(text: str) -> list[str]:
    """The control and format characters in ``text`` (Unicode Cc and Cf): line
    breaks, terminal escapes, right-to-left overrides, zero-width marks."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf")]


def validate_plain_text(value: str) -> None:
    """A line of text as people read it: a line break here would break the
    header of every email it goes into, and an escape or an override would
    make it read otherwise on a terminal or in a mail client."""
    found = control_characters(value)
    if found:
        raise ValidationError(
            _("Remove the invisible or control characters (%(codes)s)."),
            params={"codes": ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))},
            code="control",
        )


def validate_https_url(value: str) -> None:
    """Only https links: no javascript:, data:, plain http or relative addresses."""
    if len(value) > 500:
        raise ValidationError("Use an address of at most 500 characters.", code="https")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValidationError("Enter an https:// address.", code="https")
    if any(c.isspace() or ord(c) < 32 for c in value):
        raise ValidationError("An address cannot contain spaces.", code="https")


def parse_origins(text: str) -> list[str]:
    """'https://a.com, https://b.com:8443' becomes a list of origins; raises on a bad one.

    An origin is a scheme, host and optional port, exactly what a browser
    compares in frame-ancestors: a path, a query or a wildcard is refused, as
    is http, so that an agency's page cannot be framed by an unencrypted copy.
    """
    origins = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        origin = item.lower().rstrip("/")
        if not ORIGIN.fullmatch(origin) or ".." in origin:
            raise ValidationError(
                "Each allowed site must be an origin such as https://agency.example "
                "or https://agency.example:8443, without a path.",
                code="origin",
            )
        if origin not in origins:
            origins.append(origin)
    return origins


# What a profile may start the calculator with: every version's inputs, and the
# store (which native integrations the comparison offers), in the form's order.
DEFAULT_KEYS = (*FORM_KEYS, "store")


def parse_defaults(text: str) -> str:
    """The profile's prefill as a query string of calculator inputs, checked by the
    calculator's own form; answers it normalised, raises naming each bad field."""
    query = QueryDict(text.strip().lstrip("?"))
    unknown = sorted(set(query) - set(DEFAULT_KEYS))
    if unknown:
        raise ValidationError(
            "Unknown inputs: %(names)s.", params={"names": ", ".join(unknown)}, code="unknown"
        )
    form = CalculatorForm(query)
    if not form.is_valid():
        problems = [m for key in query for m in form.errors.get(key, [])]
        problems += [m for key, ms in form.errors.items() if key not in query for m in ms]
        raise ValidationError(" ".join(problems), code="invalid")
    return urlencode([(key, query[key]) for key in DEFAULT_KEYS if key in query])


def parse_sections(text: str) -> str:
    """'losses, share' becomes 'losses,share' in the results' order; raises on an unknown one."""
    words = {word.strip().lower() for word in text.split(",") if word.strip()}
    unknown = sorted(words - set(SECTIONS))
    if unknown:
        raise ValidationError(
            "Unknown sections: %(names)s. Choose from %(known)s.",
            params={"names": ", ".join(unknown), "known": ", ".join(SECTIONS)},
            code="sections",
        )
    return ",".join(s for s in SECTIONS if s in words)


LAYOUT_CHOICES = [
    ("full", _("Full: every section in turn")),
    ("compact", _("Compact: the verdict, the key figures and the lead form first")),
]
THEME_CHOICES = [
    ("auto", _("Follow the visitor's setting")),
    ("light", _("Light")),
    ("dark", _("Dark")),
]


class EmbedProfile(models.Model):
    """How one agency's embed looks, where it may appear and what it does with leads."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="embed_profiles",
        help_text=_("The agency account that manages it; empty for the operator's own."),
    )
    slug = models.SlugField(
        _("address"), unique=True, help_text=_("The embed's address: /embed/<slug>/.")
    )
    agency_name = models.CharField(_("name"), max_length=100, validators=[validate_plain_text])
    accent = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[validate_accent],
        help_text=_("e.g. #0b57b8"),
    )
    logo_url = models.URLField(
        max_length=500, blank=True, validators=[validate_https_url], help_text=_("https only.")
    )
    cta_label = models.CharField(
        _("call to action label"),
        max_length=60,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("e.g. Book a tracking audit"),
    )
    cta_url = models.URLField(
        _("call to action address"), max_length=500, blank=True, validators=[validate_https_url]
    )
    default_inputs = models.CharField(
        _("default inputs"),
        max_length=MAX_QUERY,
        blank=True,
        help_text=_(
            "Prefilled inputs as a query string, e.g. spend=20000&currency=EUR. "
            "A visitor's link overrides them."
        ),
    )
    allowed_origins = models.TextField(
        _("allowed sites"),
        blank=True,
        help_text=_(
            "Sites allowed to show the embed, one origin a line "
            "(https://agency.example). Empty: any site."
        ),
    )
    powered_by = models.BooleanField(_('show "Powered by"'), default=True)
    # Light unless the agency chooses otherwise: following a visitor's dark
    # setting turns the embed into a dark block on most agencies' light pages.
    theme = models.CharField(_("theme"), max_length=5, choices=THEME_CHOICES, default="light")
    hidden_sections = models.CharField(
        max_length=100, blank=True, help_text=_("Result sections to leave out, as a comma list.")
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        blank=True,
        default="",
        choices=[("", _("The visitor's: lang= in the snippet, else English"))]
        + [(code, name) for code, name in settings.LANGUAGES],
        help_text=_(
            "Fixes the embed's language, its report emails' too; otherwise the "
            "snippet's lang= (de, fr, es) chooses it."
        ),
    )
    layout = models.CharField(
        _("layout"),
        max_length=7,
        choices=LAYOUT_CHOICES,
        default="full",
        blank=True,  # empty reads as full
        help_text=_("The snippet's layout= overrides it."),
    )
    # An uploaded logo, re-encoded as PNG and kept in the database, so that
    # every app server can serve it without shared file storage.
    logo_png = models.BinaryField(blank=True, default=b"", editable=False)
    logo_digest = models.CharField(max_length=16, blank=True, editable=False)
    # The logo for dark backgrounds (dark mode), uploaded the same way. Without
    # it the logo sits on a light plate there, so that a dark logo on a
    # transparent background stays visible.
    logo_dark_png = models.BinaryField(blank=True, default=b"", editable=False)
    logo_dark_digest = models.CharField(max_length=16, blank=True, editable=False)
    # Leads.
    lead_capture = models.BooleanField(
        _("capture leads"),
        default=False,
        help_text=_('Show "Email me this report" under the results.'),
    )
    privacy_url = models.URLField(
        _("privacy policy address"),
        max_length=500,
        blank=True,
        validators=[validate_https_url],
        help_text=_("Linked from the consent box; required to capture leads."),
    )
    lead_retention_days = models.PositiveSmallIntegerField(
        _("keep leads for (days)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    notify_email = models.EmailField(
        _("send leads to"), blank=True, help_text=_("An address that gets each lead by email.")
    )
    webhook_url = models.URLField(
        _("webhook address"),
        max_length=500,
        blank=True,
        help_text=_("Each lead is POSTed here as signed JSON."),
    )
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)
    # Anyone may sign up and name a profile anything, so until the site's staff
    # have looked at it, its report emails carry nothing written by its agency
    # or by visitors beyond the agency's name: no call to action, no visitor's
    # name (delivery.py). Changing the name or the call to action withdraws it.
    approved = models.BooleanField(
        _("approved"),
        default=False,
        help_text=_(
            "Set by the site's staff: its report emails may carry the visitor's name "
            "and the call to action."
        ),
    )

    def __str__(self) -> str:
        return f"{self.agency_name} ({self.slug})"

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = [ValidationError(_("This address is taken by the site itself."))]
        if self.accent:
            digits = parse_accent(self.accent)
            if digits:
                self.accent = f"#{digits}"
        if bool(self.cta_label.strip()) != bool(self.cta_url.strip()):
            errors["cta_url"] = [
                ValidationError(_("Give both the label and the address, or none."))
            ]
        try:
            self.default_inputs = parse_defaults(self.default_inputs)
        except ValidationError as error:
            errors["default_inputs"] = [error]
        try:
            self.allowed_origins = "\n".join(parse_origins(self.allowed_origins))
        except ValidationError as error:
            errors["allowed_origins"] = [error]
        try:
            self.hidden_sections = parse_sections(self.hidden_sections)
        except ValidationError as error:
            errors["hidden_sections"] = [error]
        if self.lead_capture and not self.privacy_url.strip():
            errors["privacy_url"] = [
                ValidationError(_("Link your privacy policy before you capture leads."))
            ]
        if self.webhook_url:
            try:
                check_url(self.webhook_url)
            except UnsafeURL as error:
                errors["webhook_url"] = [ValidationError(str(error))]
        if errors:
            raise ValidationError(errors)

    @property
    def origins(self) -> list[str]:
        try:
            return parse_origins(self.allowed_origins)
        except ValidationError:
            # Stored past validation: fail closed, no site may frame it.
            return [NO_SITE]

    @property
    def logo_src(self) -> str:
        """The uploaded logo's own address (versioned by its digest), else the logo link."""
        if self.logo_digest:
            return f"{reverse('embed-logo', args=[self.slug])}?v={self.logo_digest}"
        return self.logo_url

    @property
    def logo_dark_src(self) -> str:
        """The uploaded logo for dark backgrounds (versioned by its digest), or ''."""
        if self.logo_dark_digest:
            return f"{reverse('embed-logo-dark', args=[self.slug])}?v={self.logo_dark_digest}"
        return ""

    @property
    def hidden(self) -> frozenset[str]:
        return frozenset(s for s in self.hidden_sections.split(",") if s in SECTIONS)

    @property
    def accent_digits(self) -> str | None:
        return parse_accent(self.accent)

    @property
    def defaults(self) -> QueryDict:
        return QueryDict(self.default_inputs)


class EmbedDailyStat(models.Model):
    """How often a profile's embed was opened and recalculated on one day.

    Aggregate counts only: nothing about who, from where or with what inputs.
    """

    profile = models.ForeignKey(EmbedProfile, on_delete=models.CASCADE, related_name="stats")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    calculations = models.PositiveIntegerField(default=0)
    leads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "day"], name="one_stat_a_day")]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.profile.slug} {self.day}"

    @classmethod
    def count(cls, profile: EmbedProfile, what: str) -> None:
        """Adds one to today's ``views``, ``calculations`` or ``leads``, safely
        under concurrency."""
        day = timezone.now().date()
        rows = cls.objects.filter(profile=profile, day=day)
        if rows.update(**{what: F(what) + 1}):
            return
        try:
            with transaction.atomic():
                cls.objects.create(profile=profile, day=day, **{what: 1})
        except IntegrityError:  # another request created today's row first
            rows.update(**{what: F(what) + 1})
