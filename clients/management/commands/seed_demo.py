import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from clients.models import Organization, Role, SafetySettings, User
from clients.services.members import INSTRUMENT_ADMIN, organization_create, user_create
from clients.services.safety import safety_settings_update
from clients.services.tokens import token_issue

DEMO_ORG = "demo"
DEMO_USERS = (
    ("demo-clinician", Role.CLINICIAN),
    ("demo-admin", Role.ORG_ADMIN),
    ("demo-ehr", Role.INTEGRATION),
)
DEMO_LIBRARIAN = "demo-librarian"
# Urgent flags of the demo organization e-mail these (the console e-mail backend prints them).
DEMO_ON_CALL = "on-call@demo.example.org"
DEMO_ESCALATION = "clinical-lead@demo.example.org"


class Command(BaseCommand):
    help = (
        "Create (once) a demo organization with a clinician, an org admin, an integration and an "
        "instrument admin, then print a fresh clinician token. Safe to run again."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            organization = Organization.objects.filter(slug=DEMO_ORG).first()
            if organization is None:
                organization = organization_create(slug=DEMO_ORG, name="Demo Clinic", actor=None)
            for username, role in DEMO_USERS:
                if not User.objects.filter(username=username).exists():
                    user_create(
                        username=username,
                        role=role,
                        organization=organization,
                        password=None,
                        actor=None,
                    )
            if not SafetySettings.objects.filter(organization=organization).exists():
                safety_settings_update(
                    organization=organization,
                    actor=None,
                    changes={
                        "on_call_emails": [DEMO_ON_CALL],
                        "escalation_emails": [DEMO_ESCALATION],
                    },
                )
            password = None
            if not User.objects.filter(username=DEMO_LIBRARIAN).exists():
                password = secrets.token_urlsafe(12)
                user_create(
                    username=DEMO_LIBRARIAN,
                    role=INSTRUMENT_ADMIN,
                    organization=None,
                    password=password,
                    actor=None,
                )
            clinician = User.objects.get(username="demo-clinician")
            _, token = token_issue(user=clinician, actor=None, name="demo", days=30)
        self.stdout.write(f"Demo organization: {organization.slug} ({organization.name})")
        self.stdout.write(f"Clinician token (demo-clinician, 30 days): {token}")
        if password:
            self.stdout.write(f"Django admin login (shown once): {DEMO_LIBRARIAN} / {password}")
        else:
            self.stdout.write(
                f"Django admin login: {DEMO_LIBRARIAN}, with the password shown on the first run"
            )
        self.stdout.write(
            f"Lost it? python manage.py set_password {DEMO_LIBRARIAN}   (prints a new one)"
        )
