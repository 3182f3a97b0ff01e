"""A person saves a console list's filters under a name, and deletes them.

The service knows the limits and who may own what; which query strings a list
accepts is the list's own knowledge (the admin checks that before saving and
again every time a saved view is applied).
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from campaigns.auth import roles_by_org
from campaigns.models import Organization, SavedFilter
from campaigns.models.saved_filters import (
    MAX_PER_PERSON_AND_LIST,
    NAME_MAX_LENGTH,
    QUERY_MAX_LENGTH,
)
from campaigns.services.errors import ServiceError


def saved_filter_create(
    *, owner, organization: Organization, changelist: str, name: str, query: str
) -> SavedFilter:
    """Save `query` (a list's query string) as `owner`'s view `name` in `organization`.

    Any member may save views (a viewer too: a view changes nothing). Refused with
    a message a person can act on: not a member, an empty or too long name, a name
    already used on this list, too many views, a query string too long to keep.
    """
    if organization.pk not in roles_by_org(owner):
        raise PermissionDenied("Saved views are kept in an organization you are a member of.")
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Give the view a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(
            f"A view's name has at most {NAME_MAX_LENGTH} characters; this one has {len(name)}."
        )
    query = query.removeprefix("?")
    if len(query) > QUERY_MAX_LENGTH:
        raise ServiceError(
            f"These filters are too long to save ({len(query)} characters, at most "
            f"{QUERY_MAX_LENGTH}); remove some and save again."
        )
    mine = SavedFilter.objects.filter(owner=owner, changelist=changelist)
    with transaction.atomic():
        if mine.filter(name=name).exists():
            raise ServiceError(
                f"You already have a view named “{name}” on this list; choose another name "
                "or delete that one first."
            )
        if mine.count() >= MAX_PER_PERSON_AND_LIST:
            raise ServiceError(
                f"You have {MAX_PER_PERSON_AND_LIST} saved views on this list, the most kept; "
                "delete one to save another."
            )
        try:
            with transaction.atomic():
                return SavedFilter.objects.create(
                    owner=owner,
                    organization=organization,
                    changelist=changelist,
                    name=name,
                    query=query,
                )
        except IntegrityError as exc:  # the same name saved at the same moment
            raise ServiceError(f"You already have a view named “{name}” on this list.") from exc


def saved_filter_delete(*, saved_filter: SavedFilter, actor) -> None:
    """Delete one of the actor's own saved views; nobody deletes another person's."""
    if saved_filter.owner_id != actor.pk:
        raise PermissionDenied("That saved view is not yours.")
    SavedFilter.objects.filter(pk=saved_filter.pk, owner=actor).delete()
