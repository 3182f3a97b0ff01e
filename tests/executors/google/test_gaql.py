"""The GAQL subset the sandbox parses (pure, no HTTP)."""

import pytest

from executors.sandbox.google_errors import GoogleAdsError
from executors.sandbox.google_gaql import Condition, parse


def _code(query: str) -> str:
    with pytest.raises(GoogleAdsError) as err:
        parse(query)
    assert err.value.status == 400
    return err.value.errors[0]["errorCode"]["queryError"]


def test_it_parses_select_from_where_order_by_and_limit():
    query = parse(
        "select campaign.id, campaign_budget.amount_micros FROM campaign "
        "WHERE campaign.status != 'REMOVED' AND campaign.id IN (1, 2,3) "
        "ORDER BY campaign.id DESC, campaign.name LIMIT 5"
    )

    assert query.fields == ("campaign.id", "campaign_budget.amount_micros")
    assert query.resource == "campaign"
    assert query.conditions == (
        Condition("campaign.status", "!=", ("REMOVED",)),
        Condition("campaign.id", "IN", (1, 2, 3)),
    )
    assert query.order_by == (("campaign.id", True), ("campaign.name", False))
    assert query.limit == 5


def test_enums_may_be_quoted_or_bare_and_dates_use_between_or_during():
    query = parse(
        "SELECT segments.date FROM ad_group WHERE ad_group.status = ENABLED "
        "AND segments.date BETWEEN '2025-03-01' AND \"2025-03-07\" "
        "AND segments.date DURING last_7_days"
    )

    assert [c.values for c in query.conditions] == [
        ("ENABLED",),
        ("2025-03-01", "2025-03-07"),
        ("LAST_7_DAYS",),
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "EXPECTED_SELECT"),
        ("campaign.id FROM campaign", "EXPECTED_SELECT"),
        ("SELECT campaign.id campaign", "EXPECTED_FROM"),
        (
            "SELECT campaign.id FROM campaign WHERE campaign.id = 1 OR campaign.id = 2",
            "UNEXPECTED_INPUT",
        ),
        ("SELECT campaign.id FROM campaign WHERE campaign.name = 'open", "STRING_NOT_TERMINATED"),
        ("SELECT campaign.id FROM campaign WHERE campaign.name LIKE 'a%'", "BAD_OPERATOR"),
        (
            "SELECT campaign.id FROM campaign WHERE campaign.id IN ()",
            "PROHIBITED_EMPTY_LIST_IN_CONDITION",
        ),
        ("SELECT campaign.id FROM campaign LIMIT 0", "BAD_LIMIT_VALUE"),
        (
            "SELECT campaign.id FROM campaign WHERE segments.date DURING LAST_YEAR",
            "INVALID_VALUE_WITH_DURING_OPERATOR",
        ),
        ("SELECT campaign.id FROM campaign;", "BAD_SYMBOL"),
        ("SELECT FROM campaign", "BAD_FIELD_NAME"),
    ],
)
def test_anything_outside_the_subset_is_refused_with_a_query_error(query, code):
    assert _code(query) == code
