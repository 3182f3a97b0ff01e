"""Make, list and revoke API tokens from the shell (operators; people use the admin).

manage.py api_token create alice --name "reporting job" --days 90
manage.py api_token list alice
manage.py api_token revoke alice "reporting job"
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken
from api.services import DEFAULT_LIFETIME, token_create, token_revoke
from campaigns.services.errors import ServiceError


class Command(BaseCommand):
    help = "Create (the secret is printed once), list or revoke a user's API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=DEFAULT_LIFETIME.days)
        listing = sub.add_parser("list")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("username")
        revoke.add_argument("name")

    def handle(self, *args, verb, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        try:
            if verb == "create":
                # The operator acts for the user: the token is theirs, with their roles only.
                token, secret = token_create(
                    user=user,
                    name=options["name"],
                    actor=user,
                    lifetime=timedelta(days=options["days"]),
                )
                self.stderr.write(
                    f"Token '{token.name}' for {user}, valid until "
                    f"{token.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only now:"
                )
                self.stdout.write(secret)
            elif verb == "list":
                for token in ApiToken.objects.filter(user=user):
                    state = (
                        "revoked"
                        if token.revoked_at
                        else ("usable" if token.is_usable else "expired")
                    )
                    used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                    self.stdout.write(
                        f"spk_{token.prefix}_…  {token.name}  {state}  "
                        f"expires {token.expires_at:%Y-%m-%d}  last used {used}"
                    )
            else:
                token = ApiToken.objects.filter(user=user, name=options["name"]).first()
                if token is None:
                    raise CommandError(f"{user} has no token named {options['name']!r}.")
                token_revoke(token=token, actor=user)
                self.stdout.write(f"Revoked '{token.name}'.")
        except (ServiceError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
