"""A budget resource named in Google's answer is changed only if it is the customer's own."""

from decimal import Decimal

from tests.executors.google.conftest import make_client


def test_a_budget_of_another_customer_named_in_an_answer_is_never_mutated(sandbox, monkeypatch):
    client, session = make_client(sandbox)
    foreign = {"campaign": {"id": "1", "campaignBudget": "customers/5550001111/campaignBudgets/1"}}
    monkeypatch.setattr(client, "search", lambda query: iter([foreign]))

    [result] = client.set_campaign_budgets([("1", Decimal("100.00"))])

    assert not result.ok
    assert "not a budget of customer 1234567890" in result.error
    assert session.count(":mutate") == 0
