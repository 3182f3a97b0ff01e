"""A batch verdict that is missing or malformed for one asset sends that asset alone to
the judge again; the other assets keep the verdicts the batch gave them."""

import pytest

from creative.models import AICall
from creative.safety import SAFE, UNCERTAIN, UNSAFE, Rules, batch_verdicts
from sandbox.llm import app as sandbox_app

ASSETS = {
    "11": [("headline", "Shop trail shoes")],
    "12": [("headline", "The cheapest trail shoes")],  # the judge doubts this claim
    "13": [("description", "Waterproof uppers and free returns")],
}


@pytest.fixture
def judge_answers(monkeypatch):
    """Lets a test spoil what the sandbox judge says about an asset of a batch: by id, a
    function from its answer to the answer (or a list of answers) given instead."""
    real = sandbox_app.judge_each
    spoil = {}

    def spoiled(text, competitors):
        given = []
        for answer in real(text, competitors):
            instead = spoil[answer["asset"]](answer) if answer["asset"] in spoil else answer
            given += instead if isinstance(instead, list) else [instead]
        return given

    monkeypatch.setattr(sandbox_app, "judge_each", spoiled)
    return spoil


def _verdicts(alice):
    return batch_verdicts(organization_id=alice.org.pk, assets=ASSETS, rules=Rules())


def _prompts() -> list[str]:
    return list(AICall.objects.order_by("pk").values_list("prompt_version__name", flat=True))


def test_without_trouble_one_call_judges_them_all(llm, alice):
    verdicts = _verdicts(alice)

    assert {k: v.verdict for k, v in verdicts.items()} == {"11": SAFE, "12": UNCERTAIN, "13": SAFE}
    assert _prompts() == ["safety-judge-batch"]


def test_a_malformed_verdict_is_judged_again_alone(llm, alice, judge_answers):
    judge_answers["12"] = lambda answer: {**answer, "verdict": "fine, probably"}

    verdicts = _verdicts(alice)

    assert _prompts() == ["safety-judge-batch", "safety-judge"]
    assert verdicts["12"].verdict == UNCERTAIN  # from its own call
    assert verdicts["11"].verdict == verdicts["13"].verdict == SAFE


def test_a_missing_verdict_is_judged_again_alone(llm, alice, judge_answers):
    judge_answers["13"] = lambda answer: {**answer, "asset": "99"}  # not one we asked about

    verdicts = _verdicts(alice)

    assert _prompts() == ["safety-judge-batch", "safety-judge"]
    assert verdicts["13"].verdict == SAFE and verdicts["13"].layer == "rules+judge"
    assert verdicts["12"].verdict == UNCERTAIN


def test_an_asset_answered_twice_keeps_the_worse_verdict(llm, alice, judge_answers):
    judge_answers["11"] = lambda answer: [answer, {**answer, "verdict": "unsafe"}]

    assert _verdicts(alice)["11"].verdict == UNSAFE
    assert _prompts() == ["safety-judge-batch"]
