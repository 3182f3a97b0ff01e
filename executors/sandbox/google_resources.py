"""Google's numeric ids and resource names for the world's campaigns and ad groups.

The mapping is positional and fixed for a world: campaign CMP-0001 is campaign 1 (and
its budget is campaign budget 1), ad group AG-000001 is ad group 1, and each ad group
has one keyword criterion whose id is the ad group's id. So
`customers/1234567890/campaigns/1` and `/campaign/CMP-0001` are the same campaign.
"""

from __future__ import annotations

import re

from executors.sandbox.world import World

COLLECTIONS = ("campaigns", "campaignBudgets", "adGroups")
_RESOURCE_NAME = re.compile(r"^customers/(?P<customer>\d+)/(?P<collection>\w+)/(?P<id>\d+)$")


def micros(amount: float) -> int:
    """Currency units (a float in the world) as whole micros."""
    return round(amount * 1_000_000)


def campaign_name(customer_id: str, index: int) -> str:
    return f"customers/{customer_id}/campaigns/{index + 1}"


def budget_name(customer_id: str, index: int) -> str:
    return f"customers/{customer_id}/campaignBudgets/{index + 1}"


def ad_group_name(customer_id: str, index: int) -> str:
    return f"customers/{customer_id}/adGroups/{index + 1}"


def criterion_name(customer_id: str, index: int) -> str:
    return f"customers/{customer_id}/adGroupCriteria/{index + 1}~{index + 1}"


def collection_size(world: World, collection: str) -> int:
    """How many resources of a collection the world has."""
    if collection in ("campaigns", "campaignBudgets"):
        return len(world.campaign_ids)
    return len(world.ad_group_ids)


class ResourceNameError(ValueError):
    """A resource name that is malformed, of another collection, or of another customer."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_resource_name(world: World, customer_id: str, name: object, collection: str) -> int:
    """The world index a resource name points at; ResourceNameError otherwise.

    `code` is RESOURCE_NAME_MALFORMED (not a name of this collection) or
    RESOURCE_NOT_FOUND (well formed, but no such resource in this customer).
    """
    example = f"customers/{customer_id}/{collection}/<id>"
    if not isinstance(name, str):
        raise ResourceNameError("RESOURCE_NAME_MALFORMED", f"resourceName must be like {example}.")
    match = _RESOURCE_NAME.match(name)
    if match is None or match["collection"] != collection:
        raise ResourceNameError(
            "RESOURCE_NAME_MALFORMED", f"Resource name {name!r} is not like {example}."
        )
    if match["customer"] != customer_id:
        raise ResourceNameError(
            "RESOURCE_NOT_FOUND", f"{name} belongs to customer {match['customer']}, not this one."
        )
    index = int(match["id"]) - 1
    if not 0 <= index < collection_size(world, collection):
        raise ResourceNameError("RESOURCE_NOT_FOUND", f"{name} does not exist.")
    return index
