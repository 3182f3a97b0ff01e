"""The campaign page's date range (7/14/28/35/90 days or from–to) and comparison period
(previous period, same period last year, none), from the query string, in the account's
time zone; bad input says so and shows the default, never a 500."""

from datetime import date, timedelta

import pytest

from campaigns.account_time import account_today
from campaigns.admin.performance import DateRange, performance_window
from tests.campaigns.admin.conftest import change_url, messages_of
from tests.campaigns.performance_data import with_history

TODAY = date(2026, 3, 10)


def test_a_preset_ends_yesterday_and_is_compared_with_the_period_before():
    window, problems = performance_window({"days": "7"}, TODAY)

    assert problems == []
    assert window.current == DateRange(date(2026, 3, 3), date(2026, 3, 9))
    assert window.comparison == DateRange(date(2026, 2, 24), date(2026, 3, 2))


def test_a_from_to_range_compared_with_the_same_days_last_year():
    window, problems = performance_window(
        {"from": "2024-02-29", "to": "2024-03-06", "compare": "last_year"}, TODAY
    )

    assert problems == [] and window.preset is None
    assert window.comparison == DateRange(date(2023, 2, 28), date(2023, 3, 6))


def test_no_comparison_is_a_choice():
    window, _ = performance_window({"days": "28", "compare": "none"}, TODAY)

    assert window.comparison is None and window.current.days == 28


@pytest.mark.parametrize(
    "params",
    [
        {"days": "8"},
        {"days": "<script>"},
        {"from": "2026-03-01"},
        {"from": "yesterday", "to": "today"},
        {"from": "2026-03-09", "to": "2026-03-01"},
        {"from": "2026-03-01", "to": "2026-03-11"},
        {"from": "2020-01-01", "to": "2026-03-01"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "9999-12-31", "to": "9999-12-31"},
    ],
)
def test_a_bad_range_is_named_and_the_default_shown(params):
    window, problems = performance_window(params, TODAY)

    assert problems and problems[-1] == "Showing the last 35 complete days instead."
    assert window.current == DateRange(date(2026, 2, 3), date(2026, 3, 9))


def test_a_bad_comparison_falls_back_to_the_previous_period_alone():
    window, problems = performance_window({"days": "14", "compare": "ever"}, TODAY)

    assert window.current.days == 14 and window.comparison.last == date(2026, 2, 23)
    assert len(problems) == 1 and "previous period instead" in problems[0]


def test_the_page_charts_the_chosen_range_and_its_tiles(client, alice):
    campaign = with_history(alice)
    today = account_today(campaign.account)
    client.force_login(alice.viewer)

    response = client.get(change_url(campaign) + "?days=7&compare=last_year")

    performance = response.context["performance"]
    assert performance["window"].current.first == today - timedelta(days=7)
    assert performance["window"].comparison.first.year == today.year - 1
    tiles = {tile.label: tile for tile in performance["tiles"]}
    assert tiles["spend"].value == "₹43,400.00"  # 7 days at ₹6,200
    assert tiles["spend"].compared == "—"  # no data a year ago
    assert tiles["ROAS"].change == ""
    content = response.content.decode()
    assert "against same period last year" in content
    assert 'aria-current="true">7 days' in content


@pytest.mark.parametrize(
    "query", ["?days=abc", "?from=2026-13-01&to=2026-13-02", "?compare=ever", "?days=7&days=9"]
)
def test_bad_input_on_the_page_is_a_message_never_a_500(client, alice, query):
    client.force_login(alice.viewer)

    response = client.get(change_url(alice.campaign) + query)

    assert response.status_code == 200
    assert len([m for m in messages_of(response) if "instead" in m]) == 1  # one message
