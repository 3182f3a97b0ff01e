"""The one place the API scopes data to the requesting user's organizations.

Every resource viewset derives from TenantScopedViewSet and declares only its
`queryset`; `get_queryset` here restricts it with the same selector the admin
uses, and subclasses may not override it (checked when the class is built),
so a new endpoint cannot forget the scope. Object-level permissions come from
RolePermission with the permission each action declares.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, viewsets

from api.pagination import CursorPage
from api.permissions import RolePermission
from campaigns.selectors import scoped


class TenantScopedViewSet(viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    pagination_class = CursorPage
    ordering = ["-id"]
    # action name -> Django permission ("campaigns.view_campaign"); a missing action is refused.
    permissions_by_action: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; declare `queryset` and let "
                "TenantScopedViewSet scope it."
            )

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)
