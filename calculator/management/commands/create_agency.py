"""python manage.py create_agency EMAIL --profile SLUG [--leads] [--approved]"""

from __future__ import annotations

import os

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from calculator.models import EmbedProfile


class Command(BaseCommand):
    help = (
        "Creates an agency account (verified email) with one embed profile and prints the "
        "profile's embed URL. The password comes from AGENCY_PASSWORD; without it, a "
        "set-password link is emailed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--profile", required=True, metavar="SLUG")
        parser.add_argument("--name", help="The profile's name (default: from the email's domain)")
        parser.add_argument("--leads", action="store_true", help="turn lead capture on")
        parser.add_argument(
            "--approved",
            action="store_true",
            help="approve the profile: its report emails carry its call to action and "
            "the visitor's name (see the admin)",
        )
        parser.add_argument(
            "--privacy-url",
            help="the agency's privacy policy, required by lead capture "
            "(default: https://<email domain>/privacy)",
        )

    def handle(self, *args, email: str, profile: str, leads: bool, **options) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        users = get_user_model()
        if users.objects.filter(email__iexact=email).exists():
            raise CommandError(f"An account for {email} exists already.")
        domain = email.rpartition("@")[2]
        item = EmbedProfile(
            slug=profile,
            agency_name=options["name"] or domain,
            lead_capture=leads,
            privacy_url=options["privacy_url"] or (f"https://{domain}/privacy" if leads else ""),
            notify_email=email if leads else "",
            approved=options["approved"],
        )
        try:
            item.full_clean(exclude=["owner"])
        except ValidationError as error:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise CommandError(problems) from None
        password = os.environ.get("AGENCY_PASSWORD")
        with transaction.atomic():
            user = users.objects.create_user(username=email[:150], email=email)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            item.owner = user
            item.save()
        site = settings.SITE_URL
        if password:
            self.stdout.write(
                f"Created {email}; it signs in with AGENCY_PASSWORD at {site}/accounts/login/"
            )
        else:
            path = reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(user),
                    "key": default_token_generator.make_token(user),
                },
            )
            send_mail(
                "Set your password for the CAPI ROI calculator",
                f"An account was made for you. Choose your password here:\n\n{site}{path}\n",
                None,
                [email],
            )
            self.stdout.write(f"Created {email}; a set-password link was emailed to it.")
        if leads and not options["privacy_url"]:
            self.stdout.write(
                f"Lead capture links the privacy policy {item.privacy_url}: change it in the "
                "dashboard if that is not the address."
            )
        self.stdout.write(f"{site}{reverse('embed-profile', args=[item.slug])}")
