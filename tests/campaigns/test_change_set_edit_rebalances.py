"""Editing one leg of a reallocation re-balances the others so the pool's total stays
exact to the cent, within each leg's caps and floors — or is refused with the reason."""

from decimal import Decimal

import pytest

from campaigns.models import ChangeSetStatus, RecommendationStatus
from campaigns.services.change_set_decisions import change_set_edit_leg
from campaigns.services.errors import GuardrailRefused
from tests.campaigns.change_sets import make_change_set


def _legs(change_set):
    return list(change_set.legs.order_by("pk"))


def test_lowering_the_increase_gives_the_difference_back_to_the_cuts_to_the_cent(alice):
    change_set = make_change_set(alice)
    up = _legs(change_set)[0]

    change_set_edit_leg(leg=up, proposed_value=Decimal("5700.01"), actor=alice.approver)

    legs = _legs(change_set)
    assert legs[0].proposed_value == Decimal("5700.01")
    assert sum(leg.proposed_value for leg in legs) == Decimal("15000.00")
    # The cuts shrink, each in proportion to how far it may still rise (to its start).
    assert [leg.proposed_value for leg in legs[1:]] == [Decimal("4650.00"), Decimal("4649.99")]
    assert {leg.status for leg in legs} == {RecommendationStatus.PROPOSED}
    assert legs[1].history.latest("history_date").history_change_reason == (
        f"Re-balanced after leg #{up.pk} was edited"
    )
    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.PROPOSED


def test_an_edit_no_re_balance_fits_is_refused_and_changes_nothing(alice):
    # The cut can come down only 10 more before the −30 % limit (140 of 200).
    change_set = make_change_set(alice, moves=((1000, 1050), (200, 150)))
    up, _ = _legs(change_set)

    with pytest.raises(GuardrailRefused, match="no re-balance keeps the pool's total") as refused:
        change_set_edit_leg(leg=up, proposed_value=Decimal("1300.00"), actor=alice.approver)

    assert refused.value.rule == "budget_neutrality"
    assert "lowered by at most 10.00" in str(refused.value)
    assert [leg.proposed_value for leg in _legs(change_set)] == [
        Decimal("1050.00"),
        Decimal("150.00"),
    ]


def test_a_re_balance_never_turns_an_increase_into_a_cut(alice):
    change_set = make_change_set(alice, moves=((5000, 5200), (5000, 4000), (5000, 5800)))
    big_up = _legs(change_set)[2]

    change_set_edit_leg(leg=big_up, proposed_value=Decimal("6500.00"), actor=alice.approver)

    # The small increase falls back to its start, no further; the cut takes the rest.
    assert [leg.proposed_value for leg in _legs(change_set)] == [
        Decimal("5000.00"),
        Decimal("3500.00"),
        Decimal("6500.00"),
    ]


def test_an_edit_beyond_the_legs_own_cap_is_refused(alice):
    change_set = make_change_set(alice)
    up = _legs(change_set)[0]

    with pytest.raises(GuardrailRefused, match="max_budget_increase"):
        change_set_edit_leg(leg=up, proposed_value=Decimal("7000.00"), actor=alice.approver)


def test_another_tenant_cannot_edit_a_leg(alice, bob):
    from django.core.exceptions import PermissionDenied

    change_set = make_change_set(alice)

    with pytest.raises(PermissionDenied):
        change_set_edit_leg(
            leg=_legs(change_set)[0], proposed_value=Decimal("5500"), actor=bob.approver
        )
