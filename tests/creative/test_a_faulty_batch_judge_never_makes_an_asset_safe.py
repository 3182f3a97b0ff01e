"""Whatever fault strikes the batch judge's call (and its repair), an asset the judge
would doubt or refuse never comes out SAFE, and no asset is SAFE without a judge's word."""

import pytest

from creative.safety import SAFE, UNSAFE, Rules, batch_verdicts

# The rules let these through (no brand rules); the sandbox judge flags two of them.
ASSETS = {
    "21": [("headline", "Shop trail shoes")],
    "22": [("headline", "The cheapest trail shoes")],  # a claim: uncertain
    "23": [("description", "Lighter than anything AdCorp sells")],  # a competitor: unsafe
    "24": [("description", "Waterproof uppers and free returns")],
}
FLAGGED = {"22", "23"}
FAULTS = ["invalid_json", "missing_fields", "wrong_types", "too_long", "unsafe", "refusal"]


@pytest.mark.parametrize("fault", FAULTS)
def test_no_fault_turns_a_doubt_into_safe(llm, alice, fault):
    llm.set_faults(next=[fault, fault])  # the batch call and its repair

    verdicts = batch_verdicts(organization_id=alice.org.pk, assets=ASSETS, rules=Rules())

    assert set(verdicts) == set(ASSETS)
    assert all(verdicts[key].verdict != SAFE for key in FLAGGED), fault
    assert verdicts["23"].verdict == UNSAFE or verdicts["23"].layer == "rules+judge"
    for verdict in verdicts.values():
        assert verdict.verdict != SAFE or verdict.layer == "rules+judge"
