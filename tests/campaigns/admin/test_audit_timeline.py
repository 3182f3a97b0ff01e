"""One searchable timeline per campaign and per account: history, decisions, platform answers."""

from decimal import Decimal

from django.urls import reverse

from campaigns.audit import audit_timeline
from campaigns.models import ExecutionMode, GuardrailPolicy
from campaigns.services.accounts import account_set_execution_mode, policy_save
from campaigns.services.campaigns import campaign_update_limits
from campaigns.services.recommendations import recommendation_approve, recommendation_reject
from executors.models import ExecutionLog, ExecutionOutcome
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_recommendation


def _set_cap(campaign, actor, amount: str, reason: str):
    return campaign_update_limits(
        campaign=campaign,
        actor=actor,
        reason=reason,
        max_daily_spend=Decimal(amount),
        total_spend_limit=None,
        target_roas=None,
        target_cpa=None,
        is_pinned=False,
    )


def _log(rec, outcome=ExecutionOutcome.SUCCEEDED, detail="HTTP 200", response=None):
    return ExecutionLog.objects.create(
        recommendation=rec,
        account=rec.account,
        action="adobe.campaign_budget",
        mode="live",
        idempotency_key=rec.idempotency_key,
        outcome=outcome,
        detail=detail,
        response=response or {"status": "ok"},
    )


def _campaign_url(campaign, **query) -> str:
    url = reverse("admin:campaigns_campaign_audit", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_merges_limit_changes_decisions_and_platform_answers_newest_first(alice):
    _set_cap(alice.campaign, alice.analyst, "7000", "Festival cap")
    recommendation_approve(recommendation=alice.recommendation, actor=alice.approver, note="ok")
    _log(alice.recommendation, detail="HTTP 200: budget set", response={"budget": "6000.00"})

    entries = audit_timeline(campaign=alice.campaign).entries

    first, second, third = entries[:3]
    assert (first.source, first.why) == ("execution", "HTTP 200: budget set")
    assert first.answer.startswith("Succeeded") and "6000.00" in first.answer
    assert (second.source, second.actor, second.why) == (
        "recommendation",
        "alice-approver",
        "Approved: ok",
    )
    assert "status: proposed → approved" in second.what
    assert (third.source, third.actor, third.why) == ("campaign", "alice-analyst", "Festival cap")
    assert "max daily spend: — → 7000.00" in third.what
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)


def test_the_account_timeline_adds_mode_policy_and_every_campaigns_history(alice):
    account_set_execution_mode(
        account=alice.account, actor=alice.admin, mode=ExecutionMode.LIVE, reason="Go live"
    )
    policy = GuardrailPolicy.objects.create(organization=alice.org)
    policy.max_budget_increase_pct = Decimal("20")
    policy_save(policy=policy, actor=alice.admin, reason="Tighter cap for Q4")
    _set_cap(alice.campaign, alice.analyst, "7000", "Festival cap")

    whys = [e.why for e in audit_timeline(account=alice.account).entries]

    assert any(w.startswith("Execution mode") and w.endswith(": Go live") for w in whys)
    assert {"Tighter cap for Q4", "Festival cap"} <= set(whys)


def test_the_search_finds_reasons_and_people(alice):
    _set_cap(alice.campaign, alice.analyst, "7000", "Festival cap")
    rejected = make_recommendation(alice.campaign)
    recommendation_reject(recommendation=rejected, actor=alice.approver, note="Budget frozen")
    _log(alice.recommendation, outcome=ExecutionOutcome.FAILED, detail="HTTP 503 from Adobe")

    def whys(text):
        return [e.why for e in audit_timeline(campaign=alice.campaign, search=text).entries]

    assert whys("frozen") == ["Rejected: Budget frozen"]
    assert whys("ANALYST") == ["Festival cap"]
    assert whys("503") == ["HTTP 503 from Adobe"]
    assert whys("nothing like this") == []


def test_it_pages_newest_first_without_losing_or_repeating_entries(alice):
    for n in range(7):
        _set_cap(alice.campaign, alice.analyst, str(7000 + n), f"cap {n}")

    pages = [audit_timeline(campaign=alice.campaign, page=p, page_size=3) for p in (1, 2, 3, 4)]

    whys = [e.why for page in pages for e in page.entries if e.why.startswith("cap")]
    assert whys == [f"cap {n}" for n in reversed(range(7))]
    assert [p.has_next for p in pages[:2]] == [True, True]
    assert pages[3].entries == [] or not pages[3].has_next


def test_the_page_shows_the_timeline_with_a_search_box_and_links(client, alice):
    _set_cap(alice.campaign, alice.analyst, "7000", "Festival cap")
    client.force_login(alice.viewer)

    content = client.get(_campaign_url(alice.campaign, q="Festival")).content.decode()

    assert 'id="audit-q"' in content and 'value="Festival"' in content
    assert "Festival cap" in content and "alice-analyst" in content
    assert change_url(alice.campaign) in content


def test_another_organizations_campaign_or_account_is_not_found(client, alice, bob):
    client.force_login(alice.admin)

    campaign = client.get(_campaign_url(bob.campaign))
    account = client.get(reverse("admin:campaigns_adaccount_audit", args=[bob.account.pk]))

    assert campaign.status_code == account.status_code == 404


def test_the_account_page_links_its_timeline(client, alice):
    client.force_login(alice.viewer)

    content = client.get(change_url(alice.account)).content.decode()

    assert reverse("admin:campaigns_adaccount_audit", args=[alice.account.pk]) in content
