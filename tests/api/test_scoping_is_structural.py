"""Scoping lives in one place: every resource is a TenantScopedViewSet that cannot
override get_queryset, and every action names the permission it needs."""

import pytest

from api.urls import router
from api.viewsets import TenantScopedViewSet

VIEWSETS = [viewset for _prefix, viewset, _basename in router.registry]


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_every_resource_is_scoped_by_the_base_viewset(viewset):
    assert issubclass(viewset, TenantScopedViewSet)
    assert viewset.get_queryset is TenantScopedViewSet.get_queryset


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_every_action_declares_the_permission_it_needs(viewset):
    actions = {"list", "retrieve"} | {a.__name__ for a in viewset.get_extra_actions()}
    for name in ("create", "update", "partial_update"):
        if hasattr(viewset, name):
            actions.add(name)
    assert actions <= set(viewset.permissions_by_action)


def test_a_viewset_that_overrides_get_queryset_is_refused_when_defined():
    with pytest.raises(TypeError, match="let TenantScopedViewSet scope it"):

        class Sneaky(TenantScopedViewSet):
            def get_queryset(self):
                return []
