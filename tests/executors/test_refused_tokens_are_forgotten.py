"""A token the platform refuses on a call (401 or 403) is never handed out again."""

import pytest

from executors.clients.adobe import AdobeClient
from executors.clients.errors import PlatformAuthError
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.google.conftest import CountingSession, make_client


def test_adobe_forgets_a_token_refused_with_403(sandbox):
    session = CountingSession()
    client = AdobeClient(
        base_url=sandbox.base_url,
        credentials=SANDBOX_CREDENTIALS | {"ims_org_id": "SOMEONE-ELSE@AdobeOrg"},
        session=session,
    )

    for _ in range(2):
        with pytest.raises(PlatformAuthError) as err:
            list(client.campaigns())
        assert err.value.status == 403

    assert session.count("ims/token") == 2


def test_google_forgets_a_token_refused_with_403(sandbox):
    client, session = make_client(sandbox, developer_token="not-approved")

    for _ in range(2):
        with pytest.raises(PlatformAuthError) as err:
            list(client.campaigns())
        assert err.value.status == 403

    assert session.count("oauth2/token") == 2
