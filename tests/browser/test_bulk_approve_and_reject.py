"""An approver approves two recommendations at once and rejects a third with a note."""

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationStatus
from tests.browser.pages import log_in, messages, row, run_action, select_rows
from tests.factories import make_campaign, make_recommendation

pytestmark = pytest.mark.browser

S = RecommendationStatus


def test_an_approver_approves_two_in_bulk_and_rejects_one_with_a_note(page, alice, bob):
    first = alice.recommendation
    second = make_recommendation(make_campaign(alice.account, name="alice diwali campaign"))
    third = make_recommendation(make_campaign(alice.account, name="alice search campaign"))
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/")
    expect(page.locator("#result_list")).not_to_contain_text("bob campaign")
    select_rows(page, first.pk, second.pk)
    run_action(page, "approve_selected")
    expect(page.locator("#content")).to_contain_text("Approve these 2 recommendation(s)?")
    page.click("input[type=submit][value=Approve]")

    expect(messages(page)).to_contain_text("Approved 2 recommendation(s).")
    expect(row(page, first.pk)).to_contain_text("Approved")
    expect(row(page, second.pk)).to_contain_text("Approved")

    select_rows(page, third.pk)
    run_action(page, "reject_selected")
    page.click("input[type=submit][value=Reject]")  # no note: the browser keeps the form
    expect(page.locator("#id_note")).to_be_visible()
    page.fill("#id_note", "Budget is frozen until the quarterly review.")
    page.click("input[type=submit][value=Reject]")

    expect(messages(page)).to_contain_text("Rejected 1 recommendation(s).")
    expect(row(page, third.pk)).to_contain_text("Rejected")
    for rec in (first, second, third):
        rec.refresh_from_db()
    assert [first.status, second.status, third.status] == [S.APPROVED, S.APPROVED, S.REJECTED]
    assert first.decided_by == second.decided_by == third.decided_by == alice.approver
    assert third.decision_note == "Budget is frozen until the quarterly review."
    bob.recommendation.refresh_from_db()
    assert bob.recommendation.status == S.PROPOSED


def test_a_rejection_without_a_note_is_sent_back_by_the_server(page, alice):
    """Even past the browser's own check (the field made optional), the server asks for a note."""
    rec = alice.recommendation
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/")
    select_rows(page, rec.pk)
    run_action(page, "reject_selected")
    page.locator("#id_note").evaluate("note => note.removeAttribute('required')")
    page.click("input[type=submit][value=Reject]")

    expect(messages(page)).to_contain_text("A rejection needs a note saying why.")
    rec.refresh_from_db()
    assert rec.status == S.PROPOSED
