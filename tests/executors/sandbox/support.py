"""Helpers for the sandbox tests: a small world's options and a thin HTTP client.

The world's start date is pinned so no test depends on the real calendar.
"""

from __future__ import annotations

import datetime as dt
import json

import requests

from executors.sandbox import SandboxServer

START_DATE = "2025-03-03"  # a Monday
SMALL_WORLD = {
    "seed": 11,
    "campaigns": 6,
    "ad_groups_per_campaign": 3,
    "audiences": 6,
    "history_days": 14,
    "start_date": START_DATE,
}


class Api:
    """Requests against one sandbox with valid Adobe headers (or none, for control routes)."""

    def __init__(self, sandbox: SandboxServer):
        self.sandbox = sandbox
        self.base_url = sandbox.base_url
        self.session = requests.Session()
        self.token = sandbox.fetch_token()

    def headers(self, **overrides: str | None) -> dict[str, str]:
        # Lower-case names so an override replaces the header whatever its spelling.
        headers = {k.lower(): v for k, v in self.sandbox.headers(self.token).items()}
        for name, value in overrides.items():
            name = name.replace("_", "-")
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        return headers

    def get(self, path: str, params: dict | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", None) or self.headers()
        return self.session.get(self.base_url + path, params=params, headers=headers, **kwargs)

    def write(self, method: str, path: str, body, key: str | None = None) -> requests.Response:
        headers = self.headers()
        if key is not None:
            headers["idempotency-key"] = key
        return self.session.request(method, self.base_url + path, json=body, headers=headers)

    def set_budget(self, campaign_id: str, amount: float, key: str | None = None):
        body = {"budget": {"allocated": amount, "currency": "INR"}}
        return self.write("PATCH", f"/campaign/{campaign_id}", body, key)

    def control(self, method: str, path: str, body=None) -> requests.Response:
        # json.dumps, not requests' json=, so injected rows may carry NaN like bad feeds do.
        data = None if body is None else json.dumps(body)
        return self.session.request(
            method,
            self.base_url + "/_sandbox" + path,
            data=data,
            headers={"Content-Type": "application/json"},
        )

    def state(self) -> dict:
        return self.control("GET", "/state").json()

    def advance(self, days: int = 1) -> dict:
        response = self.control("POST", "/advance", {"days": days})
        assert response.status_code == 200, response.text
        return response.json()

    def walk(self, path: str, key: str, params: dict | None = None) -> list:
        """Every item of a paginated list, following `_links.next`."""
        items: list = []
        response = self.get(path, params=params)
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            items.extend(body[key])
            link = body["_links"].get("next")
            if not link:
                return items
            response = self.get(link["href"])

    def report(self, start: str, end: str, **params) -> list[dict]:
        query = {"startDate": start, "endDate": end, "limit": 5000, **params}
        return self.walk("/reports/performance", "rows", query)

    def yesterday(self) -> str:
        today = dt.date.fromisoformat(self.state()["today"])
        return (today - dt.timedelta(days=1)).isoformat()


def assert_problem(response: requests.Response, status: int, *fragments: str) -> dict:
    """The response is an AEP problem document whose detail mentions every fragment."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["type"].startswith("https://ns.adobe.com/aep/errors/")
    assert body["status"] == status
    for fragment in fragments:
        assert fragment in body["detail"]
    return body
