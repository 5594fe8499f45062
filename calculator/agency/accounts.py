"""How the agency accounts (django-allauth) speak: their emails name the
product, in the language the agency reads the site in, in their subjects and
their words (templates/account/email/), rather than the host's name."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.encoding import force_str
from django.utils.translation import gettext


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"{gettext('CAPI ROI calculator')}: {force_str(subject)}"

    def render_mail(self, template_prefix: str, email, context: dict[str, Any], headers=None):
        # The product's name for the emails' greeting and signature; the site
        # framework is not installed, so allauth's own site name is the host's.
        context = {**context, "product": gettext("CAPI ROI calculator")}
        return super().render_mail(template_prefix, email, context, headers)
