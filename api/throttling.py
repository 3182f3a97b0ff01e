"""Throttles: per token (one runaway script), and per organization (one tenant's quota).

Both count in the configured cache (the database by default, Redis when set),
so every worker process shares the same counts.
"""

import time

from django.core.cache import cache
from rest_framework import throttling
from rest_framework.exceptions import Throttled

from api.models import ApiToken
from campaigns.auth import roles_by_org
from campaigns.models import Organization

WINDOW_SECONDS = 60


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (or per browser user), at the `token` rate in settings."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def throttle_failure(self):
        wait = self.wait()
        raise Throttled(
            wait=wait,
            detail=(
                f"This token made more than {self.num_requests} requests in "
                f"{self.duration} s; slow down (retry in {int(wait or 1)} s)."
            ),
        )


class OrganizationQuotaThrottle(throttling.BaseThrottle):
    """Each organization's `api_requests_per_minute`, shared by all its people and tokens.

    A request counts against every organization its user belongs to (it can
    read all of them); it is refused when any of them has used its minute.
    """

    def allow_request(self, request, view):
        org_ids = sorted(roles_by_org(request.user))
        if not org_ids:
            return True  # operators without memberships: only the token throttle applies
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        wait = WINDOW_SECONDS - (now % WINDOW_SECONDS)
        quotas = dict(
            Organization.objects.filter(pk__in=org_ids).values_list("pk", "api_requests_per_minute")
        )
        keys = {org_id: f"api-quota:{org_id}:{window}" for org_id in quotas}
        counts = cache.get_many(keys.values())
        for org_id, key in keys.items():
            if counts.get(key, 0) >= quotas[org_id]:
                name = Organization.objects.filter(pk=org_id).values_list("name", flat=True)[0]
                raise Throttled(
                    wait=wait,
                    detail=(
                        f"{name} has used its {quotas[org_id]} API requests for this minute; "
                        f"retry in {int(wait) + 1} s, or ask Spectra's operators "
                        "for a higher quota."
                    ),
                )
        for key in keys.values():
            # add() then incr(): atomic on Redis; the database cache may lose a count
            # under a race, never refuse a request wrongly.
            if not cache.add(key, 1, WINDOW_SECONDS + 5):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.add(key, 1, WINDOW_SECONDS + 5)
        return True
