"""Throttles: per token (one runaway script), and per organization (one tenant's quota).

The token throttle counts in the configured cache (the database by default,
Redis when set); the organization quota in its own table (see
OrganizationRequestCount). Every worker process shares both counts.
"""

import time

from django.db.models import F, OuterRef, Subquery
from rest_framework import throttling
from rest_framework.exceptions import Throttled

from api.models import ApiToken, OrganizationRequestCount
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
    Three queries per request, however many organizations.
    """

    def allow_request(self, request, view):
        org_ids = sorted(roles_by_org(request.user))
        if not org_ids:
            return True  # operators without memberships: only the token throttle applies
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        rows = {
            org_id: (name, quota, used)
            for org_id, name, quota, used in Organization.objects.filter(pk__in=org_ids)
            .annotate(
                used=Subquery(
                    OrganizationRequestCount.objects.filter(
                        organization=OuterRef("pk"), window=window
                    ).values("count")[:1]
                )
            )
            .values_list("pk", "name", "api_requests_per_minute", "used")
        }
        for name, quota, used in rows.values():
            if (used or 0) >= quota:
                wait = WINDOW_SECONDS - (now % WINDOW_SECONDS)
                raise Throttled(
                    wait=wait,
                    detail=(
                        f"{name} has used its {quota} API requests for this minute; "
                        f"retry in {int(wait) + 1} s, or ask Spectra's operators "
                        "for a higher quota."
                    ),
                )
        new = [org_id for org_id, (_n, _q, used) in rows.items() if used is None]
        if new:
            # The first request of a minute: open its rows, forget the past minutes'.
            OrganizationRequestCount.objects.filter(
                organization_id__in=new, window__lt=window
            ).delete()
            OrganizationRequestCount.objects.bulk_create(
                [OrganizationRequestCount(organization_id=o, window=window) for o in new],
                ignore_conflicts=True,
            )
        OrganizationRequestCount.objects.filter(organization_id__in=rows, window=window).update(
            count=F("count") + 1
        )
        return True
