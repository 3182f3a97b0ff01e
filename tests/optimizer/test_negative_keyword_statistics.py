"""optimizer.negatives: which search terms are proposed as negatives (pure, no database)."""

import numpy as np

from optimizer.negatives import TermTotals, blocks, find_negatives


def _totals(rows):
    """rows: (campaign, ad group, text, clicks, cost, conversions)."""
    c, g, t, clicks, cost, conv = zip(*rows, strict=True)
    return TermTotals(
        campaign=np.array(c),
        ad_group=np.array(g),
        text=list(t),
        clicks=np.array(clicks, dtype=float),
        impressions=np.array(clicks, dtype=float) * 10,
        cost=np.array(cost, dtype=float),
        conversions=np.array(conv, dtype=float),
    )


GROUP = [
    (1, 10, "sarees", 2000, 20000, 100),
    (1, 10, "sarees online", 1000, 10000, 50),
    (1, 10, "sarees price", 30, 300, 0),  # 1.5 expected: no conversions is chance
    (1, 10, "sarees jobs", 400, 4000, 0),  # 20 expected: not chance
]


def test_a_term_with_no_conversions_where_many_were_expected_is_proposed():
    [found] = find_negatives(_totals(GROUP), alpha=0.05)

    assert (found.text, found.match_type, found.clicks, found.cost) == (
        "sarees jobs",
        "EXACT",
        400,
        4000,
    )
    assert found.expected_conversions == 400 * 150 / 3030
    assert found.p_value < 1e-8 and found.p_value <= found.p_adjusted < 0.05
    assert found.tested == 4


def test_few_clicks_without_conversions_are_not_enough():
    assert find_negatives(_totals(GROUP[:3]), alpha=0.05) == []


def test_a_word_the_brief_excludes_is_one_phrase_negative_whatever_its_numbers():
    rows = [*GROUP[:3], (1, 10, "free sarees price", 5, 50, 0), (2, 20, "free sarees", 5, 50, 0)]

    [found] = find_negatives(_totals(rows), alpha=0.05, excluded={1: ["Free"]})

    assert (found.campaign, found.text, found.match_type) == (1, "free", "PHRASE")
    assert found.terms == ["free sarees price"] and found.excluded_word == "free"


def test_a_term_already_kept_out_or_rejected_is_not_proposed_again():
    assert find_negatives(_totals(GROUP), alpha=0.05, skip={1: [("jobs", "PHRASE")]}) == []
    assert find_negatives(_totals(GROUP), alpha=0.05, skip={1: [("sarees jobs", "EXACT")]}) == []
    # Another campaign's rejection does not count here.
    assert find_negatives(_totals(GROUP), alpha=0.05, skip={2: [("sarees jobs", "EXACT")]})


def test_negatives_match_as_google_matches_them():
    assert blocks("sarees jobs", "EXACT", "Sarees  JOBS")
    assert not blocks("sarees jobs", "EXACT", "sarees jobs mumbai")
    assert blocks("sarees jobs", "PHRASE", "silk sarees jobs mumbai")
    assert not blocks("sarees jobs", "PHRASE", "jobs sarees")
    assert blocks("sarees jobs", "BROAD", "jobs for silk sarees")
    assert not blocks("sarees jobs", "BROAD", "sarees job")  # no close variants
