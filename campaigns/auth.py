"""Authorization from organization roles.

Two questions, answered in one place:
- may this user do X anywhere? (Django's global `has_perm`, used by the admin
  to decide which menus and buttons exist) — yes if any membership's role allows it;
- may this user do X to this object? (`has_perm(perm, obj)` and `authorize`) —
  only if the role in *that object's* organization allows it.
"""

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

from campaigns.roles import PERMISSIONS_BY_ROLE, role_allows
from campaigns.tenancy import organization_id_of

_CACHE_ATTR = "_spectra_roles_by_org"


def roles_by_org(user) -> dict[int, str]:
    """{organization_id: role} for a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(user.memberships.values_list("organization_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the per-request role cache (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_system(user) -> bool:
    from campaigns.actors import SYSTEM_USERNAME

    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.has_usable_password()


def user_can(user, permission: str, obj=None) -> bool:
    if user is None:
        return False
    if is_system(user) or (user.is_active and user.is_superuser):
        return True
    roles = roles_by_org(user)
    if obj is None:
        return any(role_allows(role, permission) for role in roles.values())
    org_id = organization_id_of(obj)
    return org_id is not None and role_allows(roles.get(org_id, ""), permission)


def authorize(actor, permission: str, obj) -> None:
    """Raise PermissionDenied unless `actor` may do `permission` to `obj`."""
    if not user_can(actor, permission, obj):
        raise PermissionDenied(
            f"{actor} may not {permission.split('.', 1)[-1].replace('_', ' ')} "
            f"in this organization."
        )


class MembershipRoleBackend(BaseBackend):
    """Grants permissions from roles; never authenticates anyone by itself."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None:
            org_id = organization_id_of(obj)
            role = roles_by_org(user_obj).get(org_id)
            return set(PERMISSIONS_BY_ROLE.get(role, ()))
        perms: set[str] = set()
        for role in roles_by_org(user_obj).values():
            perms |= PERMISSIONS_BY_ROLE.get(role, frozenset())
        return perms

    def has_perm(self, user_obj, perm, obj=None):
        return user_can(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
