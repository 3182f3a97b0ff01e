"""Bob (an admin of organization B) attacks organization A through the Django admin:
changelists (with searches and filters by A's ids), change, history and delete pages,
every custom object page, every action, every autocomplete, every foreign-key
dropdown, the index page and the ops dashboard's counts. Nothing of A's may show,
nothing may change.

Parametrised over the admin's registry, so a model registered tomorrow is
attacked too (and fails here until tests/tenancy/admin_rows.py can build it).
"""

import re

import pytest
from django.contrib import admin
from django.forms import ModelChoiceField
from django.urls import reverse

from campaigns.models import Alert, Recommendation
from spectra.dashboard import ops_dashboard
from tests.tenancy.admin_rows import BUILDERS, GLOBAL, OPERATORS_ONLY
from tests.tenancy.conftest import snapshot

pytestmark = pytest.mark.django_db

REGISTRY = dict(sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label))
LABELS = [model._meta.label for model in REGISTRY]
TENANT_LABELS = [label for label in LABELS if label not in OPERATORS_ONLY | GLOBAL]
MODELS = {model._meta.label: model for model in REGISTRY}
REFUSED = (302, 403, 404, 405)
# What a form or action might ask for, so only tenancy can stop the attack.
ATTACK_FORM = {
    "name": "pwned",
    "reason": "pwned",
    "note": "pwned",
    "post": "yes",
    "enabled": "off",
    "transition": "pause",
    "is_pinned": "on",
    "max_daily_spend": "1",
    "every_minutes": "1",
}


@pytest.fixture
def rows(alice, bob):
    """(alice's row, bob's row) of every tenant-owned model in the admin."""
    built = {}
    for label in TENANT_LABELS:
        builder = BUILDERS.get(label)
        assert builder, f"No row builder for the admin of {label}: add one to admin_rows.py."
        built[label] = (builder(alice), builder(bob))
    return built


@pytest.fixture
def attacker(client, bob):
    client.force_login(bob.admin)  # logging in touches last_login: before any snapshot
    return client


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _object_urls(model, row) -> list[str]:
    """The standard object pages and every custom page of the model's admin that takes an id."""
    history_id = row.history.first().history_id if hasattr(row, "history") else 1
    urls = [_url(model, "change", row.pk), _url(model, "history", row.pk)]
    urls.append(_url(model, "delete", row.pk))
    if hasattr(row, "history"):
        urls.append(f"{_url(model, 'history', row.pk)}{history_id}/")
    prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for pattern in REGISTRY[model].get_urls():
        route = str(pattern.pattern)
        if (
            "object_id" in route
            and pattern.name
            and not pattern.name.endswith(("_change", "_history", "_delete"))
        ):
            path = route.replace("<path:object_id>", str(row.pk))
            urls.append(prefix + re.sub(r"<int:history_id>", str(history_id), path))
    return urls


def _assert_hidden(response, *rows):
    body = response.content.decode()
    assert "alice" not in body.lower(), f"{response.request['PATH_INFO']} shows alice's data"
    for row in rows:
        assert _url(type(row), "change", row.pk) not in body


def test_every_registered_model_is_attacked():
    assert set(TENANT_LABELS) <= set(BUILDERS), set(TENANT_LABELS) - set(BUILDERS)


@pytest.mark.parametrize("label", sorted(OPERATORS_ONLY & set(LABELS)))
def test_operator_pages_are_closed_to_organization_admins(label, attacker):
    assert attacker.get(_url(MODELS[label], "changelist")).status_code == 403


@pytest.mark.parametrize("label", TENANT_LABELS)
def test_changelists_searches_and_filters_show_nothing_of_alices(label, rows, attacker, alice):
    model = MODELS[label]
    theirs, mine = rows[label]
    base = _url(model, "changelist")
    own = attacker.get(base)
    assert own.status_code == 200
    assert _url(model, "change", mine.pk) in own.content.decode()  # the check can see rows
    # "alic" finds alice's rows by name, yet the echoed search box does not spell "alice".
    queries = ["q=alic", "all=", "o=-1", "_facets=True"] + [
        f"{name}={alice_id}"
        for name, alice_id in (
            ("account", alice.account.pk),
            ("account__id__exact", alice.account.pk),
            ("organization", alice.org.pk),
            ("organization__id__exact", alice.org.pk),
            ("campaign__id__exact", alice.campaign.pk),
            ("user__id__exact", alice.viewer.pk),
        )
    ]
    for query in queries:
        response = attacker.get(f"{base}?{query}")
        # 400: a lookup the changelist does not declare is refused outright.
        assert response.status_code in (200, 302, 400)
        _assert_hidden(response, theirs)


@pytest.mark.parametrize("label", TENANT_LABELS)
def test_object_pages_of_alices_rows_refuse_bob_and_change_nothing(label, rows, attacker):
    model = MODELS[label]
    theirs, _mine = rows[label]
    before = snapshot()
    for url in _object_urls(model, theirs):
        for method in ("get", "post"):
            response = getattr(attacker, method)(url, ATTACK_FORM if method == "post" else None)
            assert response.status_code in REFUSED, (method, url, response.status_code)
            _assert_hidden(response, theirs)
    assert snapshot() == before


@pytest.mark.parametrize("label", TENANT_LABELS)
def test_every_action_on_alices_rows_changes_nothing(label, rows, attacker):
    model = MODELS[label]
    theirs, _mine = rows[label]
    page = attacker.get(_url(model, "changelist"))
    action_form = page.context and page.context.get("action_form")
    actions = (
        [name for name, _ in action_form.fields["action"].choices if name] if action_form else []
    )
    before = snapshot()
    for action in actions:
        response = attacker.post(
            _url(model, "changelist"),
            {"action": action, "_selected_action": [theirs.pk], "index": 0, **ATTACK_FORM},
        )
        assert response.status_code in (200, 302)
        _assert_hidden(response, theirs)
    assert snapshot() == before


AUTOCOMPLETES = [
    (model._meta.label, field)
    for model, model_admin in REGISTRY.items()
    for field in model_admin.autocomplete_fields
]


@pytest.mark.parametrize(("label", "field"), AUTOCOMPLETES)
def test_autocomplete_offers_nothing_of_alices(label, field, rows, attacker, bob):
    model = MODELS[label]
    target = model._meta.get_field(field).related_model._meta.label
    theirs, mine = rows[target]
    for term in ("", "alice", str(theirs.pk)):
        response = attacker.get(
            "/admin/autocomplete/",
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
                "term": term,
            },
        )
        assert response.status_code == 200
        ids = {r["id"] for r in response.json()["results"]}
        assert str(theirs.pk) not in ids and "alice" not in response.content.decode()
    everything = attacker.get(
        "/admin/autocomplete/",
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": "",
        },
    )
    assert str(mine.pk) in {r["id"] for r in everything.json()["results"]}


@pytest.mark.parametrize("label", TENANT_LABELS)
def test_foreign_key_dropdowns_offer_nothing_of_alices(label, rows, attacker):
    model = MODELS[label]
    _theirs, mine = rows[label]
    alice_rows = {type(row): row for row, _ in rows.values()}
    for url in (_url(model, "add"), _url(model, "change", mine.pk)):
        response = attacker.get(url)
        if response.status_code != 200:
            continue  # no form for bob here (nobody adds this model by hand)
        _assert_hidden(response)
        form = response.context.get("adminform")
        for name, field in form.form.fields.items() if form else []:
            row = alice_rows.get(getattr(getattr(field, "queryset", None), "model", None))
            if isinstance(field, ModelChoiceField) and row is not None:
                assert not field.queryset.filter(pk=row.pk).exists(), f"{label}.{name}"


def test_the_index_page_and_the_dashboard_show_only_bobs_numbers(rows, attacker, alice, bob):
    index = attacker.get("/admin/")
    assert index.status_code == 200
    _assert_hidden(index)

    def counts():
        d = ops_dashboard(user=bob.admin)
        return (
            d.pending_approvals,
            d.open_alerts,
            d.executions_today,
            sorted(str(a) for a in d.accounts),
            d.switches.organizations_off,
            d.breakers,
            [str(a) for a in d.newest_alerts],
        )

    before = counts()
    for n in range(5):
        Recommendation.objects.create(
            account=alice.account, campaign=alice.campaign, kind="pause", reason=f"alice {n}"
        )
        Alert.objects.create(organization=alice.org, kind="sync_failed", title=f"alice {n}")
    alice.org.execution_enabled = False
    alice.org.save()
    assert counts() == before
    _assert_hidden(attacker.get("/admin/"))


CUSTOM_PAGES = [
    (model._meta.label, f"/admin/{model._meta.app_label}/{model._meta.model_name}/{route}")
    for model, model_admin in REGISTRY.items()
    for route in (str(p.pattern) for p in model_admin.get_urls())
    if route
    and "<" not in route
    and "(" not in route
    and not route.startswith("^")
    and route not in ("add/",)
]


@pytest.mark.parametrize(("label", "url"), CUSTOM_PAGES)
def test_custom_console_pages_show_nothing_of_alices(label, url, rows, attacker):
    before = snapshot()
    response = attacker.get(url)
    assert response.status_code in (200, 302, 403, 405)  # 405: a form's POST-only target
    _assert_hidden(response, *(theirs for theirs, _ in rows.values()))
    assert snapshot() == before


def test_bob_cannot_open_or_flip_alices_organization_switch(rows, attacker, alice):
    url = reverse("admin:campaigns_executionswitch_organization", args=[alice.org.pk])
    before = snapshot()
    assert attacker.get(url).status_code == 404
    assert attacker.post(url, {"enabled": "off", "reason": "pwned"}).status_code == 404
    page = attacker.get(reverse("admin:campaigns_executionswitch_changelist"))
    _assert_hidden(page)
    assert snapshot() == before
