"""Every request a GoogleAdsClient sends, recorded and held to Google's protos.

`google_requests()` records each call of `GoogleAdsClient._post` (the one way the client
reaches the API: reads, mutates, experiment actions) while it is open; `contract_problems`
checks each recorded body against the request message of its method and each GAQL query
against `GoogleAdsRow`, with the protos of the google-ads package (a test dependency:
its absence is an error here, never a silent pass). tests/conftest.py wraps every test
in it, so whatever the client learns to send is checked in the tests that send it.
"""

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from google.ads.googleads import client as _google_ads_package  # noqa: F401  (required)

from executors.clients.google_ads import GoogleAdsClient
from executors.sandbox.google_contract import protos_available, query_problems, request_problems


@dataclass(frozen=True)
class SentRequest:
    version: str
    method: str  # after customers/{cid}/, e.g. "campaignBudgets:mutate"
    body: dict


@contextmanager
def google_requests():
    """The list of SentRequest the clients send while the block runs."""
    sent: list[SentRequest] = []
    original = GoogleAdsClient._post

    def recording(self, method, body, *, write):
        sent.append(SentRequest(self.api_version, method, copy.deepcopy(body)))
        return original(self, method, body, write=write)

    with mock.patch.object(GoogleAdsClient, "_post", recording):
        yield sent


def contract_problems(sent: list[SentRequest]) -> list[str]:
    """What Google's protos say is wrong with the recorded requests (empty: nothing)."""
    problems = []
    for request in sent:
        if not protos_available(request.version):
            problems.append(f"google-ads ships no protos of {request.version}.")
            continue
        found = request_problems(request.method, request.body, request.version)
        if request.method == "googleAds:searchStream" and not found:
            found = query_problems(request.body.get("query", ""), request.version)
        problems += [f"{request.method}: {p}" for p in found]
    return list(dict.fromkeys(problems))
