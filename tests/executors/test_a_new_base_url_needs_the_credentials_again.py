"""Changing where an account's requests go drops its stored credentials: the next
sync must not carry the old secret (or a token made from it) to the new host."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from campaigns.credentials import decrypt_credentials
from campaigns.models import AdAccount
from campaigns.services.admin_support import account_save
from executors.clients.errors import PlatformAuthError
from executors.sync import sync_account
from spectra.demo import SANDBOX_CREDENTIALS
from tests.api.helpers import client_for
from tests.campaigns.admin.conftest import change_url, messages_of
from tests.executors.conftest import START

SECRET = SANDBOX_CREDENTIALS["client_secret"]


@pytest.fixture
def elsewhere():
    """Another host that records every request it gets (and answers like a platform would)."""
    state = SimpleNamespace(requests=[], url="")

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode(errors="replace")
            state.requests.append(f"{self.command} {self.path}\n{self.headers}\n{body}")
            payload = json.dumps({"access_token": "stolen", "expires_in": 3600}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _record

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}/"
    yield state
    server.shutdown()
    server.server_close()


def _stored(account) -> str:
    return AdAccount.objects.values_list("credentials_ciphertext", flat=True).get(pk=account.pk)


def _next_sync_sends_no_secret(account, elsewhere):
    account.refresh_from_db()
    with pytest.raises(PlatformAuthError, match="credentials are incomplete"):
        sync_account(account=account, date_from=START, date_to=START + timedelta(days=1))
    assert not any(SECRET in request for request in elsewhere.requests)
    assert elsewhere.requests == []


def test_the_service_drops_credentials_and_says_why_in_the_history(
    sandbox_account, alice, elsewhere
):
    sandbox_account.api_base_url = elsewhere.url

    account_save(account=sandbox_account, actor=alice.admin, reason="Moving")

    assert _stored(sandbox_account) == ""
    last = sandbox_account.history.latest("history_date")
    assert last.history_user == alice.admin
    assert last.history_change_reason.startswith("Moving; credentials dropped: the API base URL")
    assert "enter them again" in last.history_change_reason
    _next_sync_sends_no_secret(sandbox_account, elsewhere)


def test_an_api_patch_of_the_base_url_drops_the_credentials(sandbox_account, alice, elsewhere):
    response = client_for(alice.admin).patch(
        f"/api/v1/accounts/{sandbox_account.pk}/", {"api_base_url": elsewhere.url}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["has_credentials"] is False
    assert response.json()["api_base_url"] == elsewhere.url
    _next_sync_sends_no_secret(sandbox_account, elsewhere)


def test_an_admin_edit_of_the_base_url_drops_the_credentials_and_warns(
    client, sandbox_account, alice, elsewhere
):
    client.force_login(alice.admin)

    response = client.post(
        change_url(sandbox_account), _form(sandbox_account, api_base_url=elsewhere.url), follow=True
    )

    assert response.status_code == 200
    assert any("enter them again" in m for m in messages_of(response))
    _next_sync_sends_no_secret(sandbox_account, elsewhere)


def test_credentials_typed_with_the_new_base_url_are_the_only_ones_kept(
    client, sandbox_account, alice, elsewhere
):
    client.force_login(alice.admin)

    client.post(
        change_url(sandbox_account),
        _form(sandbox_account, api_base_url=elsewhere.url, adobe_client_secret="for-the-new-host"),
    )

    assert decrypt_credentials(_stored(sandbox_account)) == {"client_secret": "for-the-new-host"}


def test_other_edits_keep_the_credentials(client, sandbox_account, alice):
    client.force_login(alice.admin)
    same_place = sandbox_account.api_base_url.rstrip("/") + "/"

    client.post(change_url(sandbox_account), _form(sandbox_account, name="Renamed"))
    client_for(alice.admin).patch(
        f"/api/v1/accounts/{sandbox_account.pk}/", {"api_base_url": same_place}, format="json"
    )

    assert decrypt_credentials(_stored(sandbox_account)) == SANDBOX_CREDENTIALS


def _form(account, **overrides) -> dict:
    data = {
        "name": account.name,
        "external_id": account.external_id,
        "currency": account.currency,
        "time_zone": account.time_zone,
        "api_base_url": account.api_base_url,
        "autonomy": account.autonomy,
        "is_active": "on",
        "reason": "",
        "new_execution_mode": "",
        "mode_reason": "",
    }
    return data | overrides
