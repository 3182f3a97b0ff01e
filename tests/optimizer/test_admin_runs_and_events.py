"""The optimiser's admin pages: scoped to the user's organizations; events via a service."""

from datetime import date

from optimizer.models import OptimizationRun, SeasonalEvent


def _run(tenant, day=date(2026, 11, 1)):
    return OptimizationRun.objects.create(
        account=tenant.account,
        as_of=day,
        window_start=date(2026, 9, 27),
        window_end=date(2026, 10, 31),
        proposed=3,
    )


def test_a_viewer_sees_only_runs_of_his_organization(client, alice, bob):
    mine, theirs = _run(alice), _run(bob)
    client.force_login(alice.viewer)

    page = client.get("/admin/optimizer/optimizationrun/")

    assert page.status_code == 200
    assert f"/admin/optimizer/optimizationrun/{mine.pk}/change/" in page.text
    assert f"/admin/optimizer/optimizationrun/{theirs.pk}/change/" not in page.text
    assert client.get(f"/admin/optimizer/optimizationrun/{theirs.pk}/change/").status_code in (
        302,
        404,
    )


def test_the_run_page_links_to_its_recommendations(client, alice):
    run = _run(alice)
    alice.recommendation.run = run
    alice.recommendation.save(update_fields=["run"])
    client.force_login(alice.viewer)

    page = client.get(f"/admin/optimizer/optimizationrun/{run.pk}/change/")
    listing = client.get(f"/admin/campaigns/recommendation/?run__id__exact={run.pk}")

    assert "3 proposed by this run" in page.text
    assert listing.status_code == 200
    assert str(alice.recommendation.campaign) in listing.text


def test_an_analyst_declares_an_event_with_history(client, alice):
    client.force_login(alice.analyst)

    response = client.post(
        "/admin/optimizer/seasonalevent/add/",
        {
            "organization": alice.org.pk,
            "name": "Diwali",
            "start_date": "2026-11-01",
            "end_date": "2026-11-07",
            "multiplier": "1.50",
        },
    )

    assert response.status_code == 302, response.text
    event = SeasonalEvent.objects.get()
    record = event.history.get()
    assert (record.history_user, record.history_change_reason) == (
        alice.analyst,
        "Declared in the admin",
    )


def test_a_viewer_cannot_declare_an_event(client, alice):
    client.force_login(alice.viewer)

    response = client.post(
        "/admin/optimizer/seasonalevent/add/",
        {
            "organization": alice.org.pk,
            "name": "Diwali",
            "start_date": "2026-11-01",
            "end_date": "2026-11-07",
            "multiplier": "1.50",
        },
    )

    assert response.status_code == 403
    assert not SeasonalEvent.objects.exists()


def test_an_analyst_cannot_declare_an_event_for_another_organization(client, alice, bob):
    client.force_login(alice.analyst)

    client.post(
        "/admin/optimizer/seasonalevent/add/",
        {
            "organization": bob.org.pk,
            "name": "Sneaky",
            "start_date": "2026-11-01",
            "end_date": "2026-11-07",
            "multiplier": "9.00",
        },
    )

    assert not SeasonalEvent.objects.exists()
