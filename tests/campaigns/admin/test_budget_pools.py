"""Budget pools: created and renamed by organization admins, in their own accounts only."""

from campaigns.models import BudgetPool
from tests.campaigns.admin.conftest import change_url


def test_an_admin_creates_a_pool_in_his_account_with_history(client, alice):
    client.force_login(alice.admin)

    response = client.post(
        "/admin/campaigns/budgetpool/add/", {"account": alice.account.pk, "name": "Brand"}
    )

    assert response.status_code == 302
    pool = BudgetPool.objects.get(name="Brand")
    assert pool.account == alice.account
    assert pool.history.get().history_user == alice.admin


def test_an_admin_cannot_create_a_pool_in_bobs_account(client, alice, bob):
    client.force_login(alice.admin)

    response = client.post(
        "/admin/campaigns/budgetpool/add/", {"account": bob.account.pk, "name": "Sneaky"}
    )

    assert response.status_code == 200
    assert "account" in response.context["adminform"].form.errors
    assert not BudgetPool.objects.filter(name="Sneaky").exists()


def test_a_pool_lists_its_campaigns_and_cannot_change_account(client, alice, bob):
    pool = BudgetPool.objects.create(account=alice.account, name="Brand")
    alice.campaign.budget_pool = pool
    alice.campaign.save(update_fields=["budget_pool"])
    client.force_login(alice.admin)

    page = client.get(change_url(pool))
    client.post(
        change_url(pool),
        {
            "account": bob.account.pk,
            "name": "Brand 2",
            "campaigns-TOTAL_FORMS": "0",
            "campaigns-INITIAL_FORMS": "0",
        },
    )

    assert b"alice campaign" in page.content
    pool.refresh_from_db()
    assert (pool.account, pool.name) == (alice.account, "Brand 2")
