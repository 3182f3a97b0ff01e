"""Who did it, when no person did: the system actor used by tasks.

History rows must always name a user; tasks record this one, together
with a reason that says which task and why.
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "spectra-system"


def system_user():
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": True, "first_name": "Spectra", "last_name": "(system)"},
    )
    if created or user.has_usable_password():
        # Nobody can log in as the system.
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
