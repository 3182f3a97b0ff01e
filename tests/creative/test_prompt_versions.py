"""Prompts are versioned: drafts, publishing by operators, A/B shares, never edited."""

import pytest

from creative.models import PromptStatus, PromptVersion
from creative.services.prompts import (
    PromptError,
    prompt_draft,
    prompt_for,
    prompt_publish,
    prompt_render,
)


def _draft(template="Write about {product}.", name="ad-copy-test"):
    return prompt_draft(name=name, system="You write ads.", template=template, schema="ad_copy")


def test_a_draft_declares_its_placeholders_and_numbers_itself(db):
    first, second = _draft(), _draft("About {product} for {audience}.")

    assert (first.version, second.version) == (1, 2)
    assert second.variables == ["audience", "product"]


def test_an_unknown_schema_or_a_broken_template_is_refused(db):
    with pytest.raises(ValueError, match="No output schema"):
        prompt_draft(name="x", system="s", template="t", schema="nope")
    with pytest.raises(PromptError, match="not a valid format string"):
        _draft("Write about {product.")


def test_only_operators_publish(db, alice, superuser):
    draft = _draft()
    with pytest.raises(PromptError, match="operators"):
        prompt_publish(version=draft, actor=alice.admin)

    published = prompt_publish(version=draft, actor=superuser)

    assert published.status == PromptStatus.PUBLISHED and published.published_by == superuser


def test_publishing_a_new_version_retires_the_old_one(db, superuser):
    old = prompt_publish(version=_draft(), actor=superuser)
    new = prompt_publish(version=_draft("v2 {product}"), actor=superuser)

    old.refresh_from_db()
    assert old.status == PromptStatus.RETIRED
    assert prompt_for("ad-copy-test") == new
    with pytest.raises(PromptError, match="not a draft"):
        prompt_publish(version=old, actor=superuser)


def test_two_versions_share_traffic_by_their_shares_the_same_way_each_time(db, superuser):
    a = prompt_publish(version=_draft(), actor=superuser)
    b = prompt_publish(version=_draft("v2 {product}"), actor=superuser, traffic_share=30)

    picks = [prompt_for("ad-copy-test", key=f"campaign-{i}") for i in range(1000)]

    share_b = sum(p == b for p in picks) / len(picks)
    assert 0.25 < share_b < 0.35
    assert {p.pk for p in picks} == {a.pk, b.pk}
    assert prompt_for("ad-copy-test", key="campaign-7") == picks[7]


def test_rendering_needs_every_variable(db, superuser):
    version = _draft()
    with pytest.raises(PromptError, match="needs product"):
        prompt_render(version, {})
    messages = prompt_render(version, {"product": "Trailblazer {GTX}"})
    assert messages[1]["content"] == "Write about Trailblazer {GTX}."


def test_no_published_version_is_a_clear_error(db):
    _draft()
    assert PromptVersion.objects.count() == 1
    with pytest.raises(PromptError, match="No published version"):
        prompt_for("ad-copy-test")
