"""The token request (and with it the client secret) goes where the platform and the
account's base URL say — a credential cannot redirect it."""

from executors.clients.adobe import AdobeClient
from executors.clients.http import NO_RETRY
from tests.executors.google.conftest import CountingSession, make_client

ELSEWHERE = "http://127.0.0.1:9/steal"


def test_an_ims_url_among_adobe_credentials_does_not_move_the_token_request(sandbox):
    session = CountingSession()
    client = AdobeClient(
        base_url=sandbox.base_url,
        credentials=sandbox.credentials | {"ims_url": ELSEWHERE},
        session=session,
        read_retry=NO_RETRY,
        timeout=10,
    )

    client.access_token()

    assert session.calls == [("POST", sandbox.base_url.rstrip("/") + "/ims/token/v3")]


def test_a_token_url_among_google_credentials_does_not_move_the_token_request(sandbox):
    client, session = make_client(sandbox, token_url=ELSEWHERE)

    client.access_token()

    assert session.calls == [("POST", sandbox.base_url + "/googleads/oauth2/token")]
