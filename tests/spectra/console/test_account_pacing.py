"""Pacing compares like with like: the spend a limit covers against that limit."""

from decimal import Decimal

from spectra.dashboard import account_pacing

D = Decimal


def test_capped_campaigns_spend_is_paced_against_the_sum_of_their_caps():
    # The whole account spent 25,080; the one capped campaign spent 600 of its 1,000.
    pacing = account_pacing(
        spend_total=D("25080"), spend_capped=D("600"), caps_total=D("1000"), capped=1, campaigns=12
    )

    assert pacing.basis == "campaigns"
    assert pacing.pct == 60.0  # not 2,508 %
    assert pacing.label == "1 of 12 campaigns capped"


def test_an_accounts_own_limit_covers_all_its_spend():
    pacing = account_pacing(
        spend_total=D("4500"),
        spend_capped=D("600"),
        caps_total=D("1000"),
        capped=1,
        campaigns=3,
        account_limit=D("9000"),
    )

    assert pacing.basis == "account"
    assert pacing.pct == 50.0
    assert pacing.label == "account limit"


def test_without_any_limit_there_is_nothing_to_pace_against():
    pacing = account_pacing(
        spend_total=D("4500"), spend_capped=D("0"), caps_total=None, capped=0, campaigns=3
    )

    assert pacing.basis == "none"
    assert pacing.limit is None
    assert pacing.pct is None
    assert pacing.label == "no limit"


def test_every_campaign_capped_is_the_whole_account():
    pacing = account_pacing(
        spend_total=D("1500"), spend_capped=D("1500"), caps_total=D("1000"), capped=1, campaigns=1
    )

    assert pacing.pct == 150.0
    assert pacing.label == "1 of 1 campaign capped"
