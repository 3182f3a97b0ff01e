"""Role checks per action: the viewset names the permission, the role decides.

`has_permission` asks "may this user do it in any of their organizations?",
`has_object_permission` "in *this object's* organization?" — the same two
questions the admin asks (campaigns.auth). An action without a declared
permission is refused: a new action cannot ship open by accident.
"""

from rest_framework import permissions

from campaigns.auth import user_can


def permission_for(view) -> str | None:
    return view.permissions_by_action.get(view.action)


class RolePermission(permissions.BasePermission):
    message = "Your role in this organization does not allow that."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method.lower() not in getattr(view, "action_map", {}):
            return True  # no handler for this method: let DRF answer 405
        perm = permission_for(view)
        return perm is not None and user_can(user, perm)

    def has_object_permission(self, request, view, obj):
        perm = permission_for(view)
        return perm is not None and user_can(request.user, perm, obj)
