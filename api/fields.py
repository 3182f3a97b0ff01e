"""Input fields that can only name the requesting user's own rows.

A foreign key in a request body is resolved inside the user's organizations
(optionally only those where their role allows `permission`): another
organization's id gets the same "does not exist" as an id that never existed,
so a body can neither point at nor probe another tenant's rows (OWASP API3).
"""

from rest_framework import serializers

from campaigns.admin.base import org_ids_allowing
from campaigns.selectors import scoped
from campaigns.tenancy import scope_to_orgs


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def __init__(self, *, permission: str | None = None, **kwargs):
        self.permission = permission
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        if self.permission is None:
            return scoped(queryset, user)
        org_ids = org_ids_allowing(user, self.permission)
        return queryset if org_ids is None else scope_to_orgs(queryset, org_ids)


class StrictInputMixin:
    """Refuse fields a request may not set instead of silently dropping them.

    DRF ignores unknown and read-only keys; a client that sends
    `{"account": 7}` to move a campaign would never learn that nothing moved.
    """

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(set(data.keys()) - writable)
            if refused:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in refused}
                )
        return super().to_internal_value(data)
