"""The execution log in the admin: read-only, scoped, no secrets."""

from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.execution.conftest import approved_budget


def test_a_viewer_reads_his_organizations_log_and_cannot_change_it(
    client, live_account, alice, bob
):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    row = ExecutionLog.objects.get(recommendation=rec)
    url = f"/admin/executors/executionlog/{row.pk}/change/"

    client.force_login(alice.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "adobe.campaign_budget" in page.text
    assert SANDBOX_CREDENTIALS["client_secret"] not in page.text
    assert client.post(url, {"detail": "edited"}).status_code == 403
    assert client.post(f"/admin/executors/executionlog/{row.pk}/delete/").status_code == 403

    client.force_login(bob.admin)
    assert client.get(url).status_code in (302, 404)
    assert f"/{row.pk}/change/" not in client.get("/admin/executors/executionlog/").text
