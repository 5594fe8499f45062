"""How the agency accounts (django-allauth) speak: their emails' subjects
name the product in the language the agency reads the site in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.encoding import force_str
from django.utils.translation import gettext


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"{gettext('CAPI ROI calculator')}: {force_str(subject)}"
