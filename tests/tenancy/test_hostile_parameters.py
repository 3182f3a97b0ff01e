"""Hostile parameters on every admin changelist and every API list: never a 5xx, and
nothing of the other organization in the answer.

Walks `admin.site._registry` (each changelist's declared filters, its date
hierarchy, Django's own parameters and some undeclared lookups on secrets) and
the API router (each list's filters, orderings and cursor), and sends each
parameter every value of a fixed corpus — as alice's viewer and as bob's admin,
so a model or a filter added tomorrow is attacked too. Deterministic: no random
generation, the corpus is the same every run.
"""

import itertools
import re
from base64 import b64encode

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.test import Client
from django.urls import reverse
from rest_framework.mixins import ListModelMixin

from api.urls import router
from tests.api.helpers import client_for, lift_throttles
from tests.tenancy.admin_rows import BUILDERS, GLOBAL, OPERATORS_ONLY

pytestmark = pytest.mark.django_db

HOSTILE = [
    "abc",
    "",
    "-1",
    str(2**63),
    "1.5e309",
    "é☃🚀",
    "\x00",
    "x" * 3000,
    "2026-13-45",
    "99999",
]
# year, month, day of a date hierarchy: the calendar's edges and past them.
DATES = [("0", "1", "1"), ("1", "1", "1"), ("9999", "12", "31"), ("9999", "12", "")]
DATES += [("99999", "", ""), ("2026", "13", ""), ("2026", "2", "30"), ("-1", "", "")]
# Undeclared lookups, aimed at columns no page shows.
SNOOPING = [
    "credentials_ciphertext__gte",
    "account__credentials_ciphertext__startswith",
    "organization__webhook_url__contains",
    "user__password__startswith",
    "digest__gte",
    "id__gt",
    "pk",
    "no_such_field",
]
# Django's own switches of a changelist (search, order and page get the whole corpus).
FLAGS = [ALL_VAR, "_facets", "e", "_to_field", "_popup"]

REGISTRY = dict(sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label))
CHANGELISTS = [model._meta.label for model in REGISTRY if model._meta.label not in GLOBAL]
LISTS = [
    (prefix, viewset)
    for prefix, viewset, _ in router.registry
    if issubclass(viewset, ListModelMixin)
]


@pytest.fixture
def attackers(alice, bob):
    """(user, the other tenant's name): alice's viewer and bob's admin, with a row of everything."""
    for label, builder in BUILDERS.items():
        if label not in OPERATORS_ONLY | GLOBAL:
            builder(alice), builder(bob)
    return [(alice.viewer, "bob"), (bob.admin, "alice")]


def _logged_in(user) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to assert on
    client.force_login(user)
    return client


def _assert_sound(response, other: str, what):
    assert response.status_code < 500, (what, response.status_code)
    # As a word ("bob org", "bob-viewer"), not inside a CSRF token.
    seen = re.search(rf"(?<![a-z0-9]){other}(?![a-z0-9])", response.content.decode().lower())
    assert seen is None, (what, response.content.decode()[max(seen.start() - 200, 0) :][:300])


def _filter_params(client, url) -> list[str]:
    """The parameters the changelist's filters read, as the page builds them."""
    page = client.get(url)
    if page.status_code != 200:
        return []  # an operator's page: closed to tenants before any parameter is read
    params = set()
    for spec in page.context["cl"].filter_specs:
        params.update(spec.expected_parameters())
    return sorted(params)


@pytest.mark.parametrize("label", CHANGELISTS)
def test_no_changelist_parameter_breaks_the_page_or_shows_the_other_tenant(attackers, label):
    model = next(m for m in REGISTRY if m._meta.label == label)
    model_admin = REGISTRY[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    clients = [(_logged_in(user), other) for user, other in attackers]
    extra = getattr(model_admin, "extra_lookups", ())
    params = [*_filter_params(clients[1][0], url), *extra, SEARCH_VAR, ORDER_VAR, PAGE_VAR]
    # Half the corpus per parameter, alternating halves, so every value still meets
    # every kind of filter and the walk stays fast.
    queries = [{p: v} for i, p in enumerate(params) for v in HOSTILE[i % 2 :: 2]]
    queries += [{param: value} for param in FLAGS for value in ("abc", "\x00")]
    queries += [{lookup: "0"} for lookup in SNOOPING]  # refused before any value is read
    if model_admin.date_hierarchy:
        parts = [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        queries += [{k: v for k, v in zip(parts, date, strict=True) if v} for date in DATES]
    # Each query once, the two attackers taking turns.
    for (client, other), query in zip(itertools.cycle(clients), queries, strict=False):
        _assert_sound(client.get(url, query), other, query)


def _cursor(query: str) -> str:
    return b64encode(query.encode()).decode()


BAD_CURSORS = [
    "cD1hYmM=",  # "p=abc"
    "not base64!",
    _cursor("o=-1"),
    _cursor(f"o={2**63}"),
    _cursor("r=2&p=1"),
    _cursor("p=\x00"),
    _cursor(f"p={2**70}"),
    _cursor("p=None"),
    _cursor("p=" + "9" * 5000),
]


def _api_params(viewset) -> list[str]:
    filters = list(viewset.filterset_class.base_filters) if viewset.filterset_class else []
    return [*filters, "ordering", "page_size", *SNOOPING]


def _orderings(viewset) -> list[str]:
    fields = list(getattr(viewset, "ordering_fields", None) or [])
    return [*fields, *(f"-{f}" for f in fields), "credentials_ciphertext", "-secret", "id,nope"]


@pytest.mark.parametrize(("prefix", "viewset"), LISTS, ids=[p for p, _ in LISTS])
def test_no_list_parameter_breaks_the_api_or_shows_the_other_tenant(
    attackers, monkeypatch, alice, bob, prefix, viewset
):
    lift_throttles(monkeypatch, alice.org, bob.org)
    clients = [(client_for(user), other) for user, other in attackers]
    turns = itertools.cycle(clients)
    url = f"/api/v1/{prefix}/"
    sent = [(param, value) for param in _api_params(viewset) for value in HOSTILE]
    sent += [("ordering", ordering) for ordering in _orderings(viewset)]
    sent += [("cursor", cursor) for cursor in BAD_CURSORS]
    for param, value in sent:
        api, other = next(turns)
        response = api.get(url, {param: value})
        _assert_sound(response, other, (param, value))
        if response.status_code >= 400:
            assert set(response.json()) >= {"code", "message"}, (param, value)
