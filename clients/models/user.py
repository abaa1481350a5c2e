from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person or a machine client (an EHR integration) that signs in or holds API tokens."""

    # Instrument admins curate the instrument library shared by every organization, so the role
    # is global rather than a membership role.
    is_instrument_admin = models.BooleanField(default=False)

    @property
    def organization(self):
        membership = getattr(self, "membership", None)
        return membership.organization if membership else None
