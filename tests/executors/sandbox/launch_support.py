"""Building a launch in a sandbox world straight through its Google mutate functions."""

from executors.sandbox.google_mutate import mutate, mutate_all
from executors.sandbox.world import World

CUSTOMER = "1234567890"


def small_world() -> World:
    return World(
        7,
        campaigns=3,
        ad_groups_per_campaign=2,
        audiences=2,
        history_days=3,
        start_date="2026-10-01",
    )


def rsa(headlines, descriptions=("Soft merino wool socks.", "Delivered tomorrow.")) -> dict:
    return {
        "finalUrls": ["https://example.com/wool-socks"],
        "responsiveSearchAd": {
            "headlines": [{"text": t} for t in headlines],
            "descriptions": [{"text": t} for t in descriptions],
        },
    }


def launch(world, name, *, keywords, headlines, validate_only=False) -> dict:
    """A whole launch in one googleAds:mutate with temporary ids, as deploy validates it."""
    c = f"customers/{CUSTOMER}"
    ops = [
        {
            "campaignBudgetOperation": {
                "create": {
                    "resourceName": f"{c}/campaignBudgets/-1",
                    "name": f"{name} budget",
                    "amountMicros": "2500000000",
                }
            }
        },
        {
            "campaignOperation": {
                "create": {
                    "resourceName": f"{c}/campaigns/-2",
                    "name": name,
                    "status": "PAUSED",
                    "advertisingChannelType": "SEARCH",
                    "campaignBudget": f"{c}/campaignBudgets/-1",
                    "manualCpc": {},
                }
            }
        },
        {
            "adGroupOperation": {
                "create": {
                    "resourceName": f"{c}/adGroups/-3",
                    "name": "Socks",
                    "campaign": f"{c}/campaigns/-2",
                    "cpcBidMicros": "12500000",
                }
            }
        },
        *[
            {
                "adGroupCriterionOperation": {
                    "create": {
                        "adGroup": f"{c}/adGroups/-3",
                        "keyword": {"text": k, "matchType": "PHRASE"},
                    }
                }
            }
            for k in keywords
        ],
        {"adGroupAdOperation": {"create": {"adGroup": f"{c}/adGroups/-3", "ad": rsa(headlines)}}},
    ]
    response, _ = mutate_all(
        world, CUSTOMER, {"mutateOperations": ops, "validateOnly": validate_only}, "t"
    )
    return response


def create(world, collection, body, **flags) -> dict:
    return mutate(world, CUSTOMER, collection, {"operations": [{"create": body}], **flags}, "t")[0]
