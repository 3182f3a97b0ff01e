"""Saved views: a person keeps a list's filters under a name, applies and deletes them;
nobody else ever sees them, and a saved query string meets the list's rules every time."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Role, SavedFilter
from campaigns.models.saved_filters import MAX_PER_PERSON_AND_LIST, NAME_MAX_LENGTH
from campaigns.services.errors import ServiceError
from campaigns.services.saved_filters import saved_filter_create, saved_filter_delete
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.factories import make_org

LIST = changelist_url("recommendation")
SAVE = LIST + "saved-views/"
RECS = "campaigns.recommendation"


def _save(client, name, query, **extra):
    return client.post(SAVE, {"name": name, "query": query, **extra}, follow=True)


def _view(owner, org, name="mine", query="risk__exact=high", changelist=RECS):
    return SavedFilter.objects.create(
        owner=owner, organization=org, changelist=changelist, name=name, query=query
    )


def test_saving_keeps_what_the_list_shows_in_a_canonical_order(client, alice):
    client.force_login(alice.approver)

    response = _save(client, "  Adobe,  high risk ", "risk__exact=high&p=3&o=7&account=1&e=1")

    view = SavedFilter.objects.get()
    assert (view.owner, view.organization, view.changelist) == (alice.approver, alice.org, RECS)
    assert view.name == "Adobe, high risk"
    assert view.query == "account=1&o=7&risk__exact=high"  # no page, no error marker
    assert response.redirect_chain[-1][0] == f"{LIST}?account=1&o=7&risk__exact=high"
    assert any("Saved the view “Adobe, high risk”" in m for m in messages_of(response))


def test_a_viewer_may_save_a_view(client, alice):
    client.force_login(alice.viewer)

    _save(client, "high risk", "risk__exact=high")

    assert SavedFilter.objects.filter(owner=alice.viewer).count() == 1


def test_a_duplicate_name_is_refused_clearly(client, alice):
    _view(alice.approver, alice.org, name="High risk")
    client.force_login(alice.approver)

    response = _save(client, "High risk", "risk__exact=low")

    assert SavedFilter.objects.count() == 1
    assert any(
        "You already have a view named “High risk” on this list" in m for m in messages_of(response)
    )


def test_the_same_name_on_another_list_or_by_another_person_is_fine(client, alice):
    _view(alice.approver, alice.org, name="Open", changelist="campaigns.alert")
    _view(alice.viewer, alice.org, name="Open")
    client.force_login(alice.approver)

    _save(client, "Open", "risk__exact=low")

    assert SavedFilter.objects.filter(owner=alice.approver, changelist=RECS).count() == 1


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "Give the view a name."),
        ("x" * (NAME_MAX_LENGTH + 1), f"at most {NAME_MAX_LENGTH} characters"),
    ],
)
def test_an_empty_or_long_name_is_refused(client, alice, name, said):
    client.force_login(alice.approver)

    response = _save(client, name, "risk__exact=high")

    assert not SavedFilter.objects.exists()
    assert any(said in m for m in messages_of(response))


def test_a_person_keeps_at_most_so_many_views_of_a_list(client, alice):
    for n in range(MAX_PER_PERSON_AND_LIST):
        _view(alice.approver, alice.org, name=f"view {n}")
    client.force_login(alice.approver)

    response = _save(client, "one too many", "risk__exact=high")

    assert SavedFilter.objects.count() == MAX_PER_PERSON_AND_LIST
    assert any("delete one to save another" in m for m in messages_of(response))


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("credentials_ciphertext__gte=a", "it filters by something this list does not offer"),
        ("account=not-a-number", "a filter has a value this list cannot hold"),
    ],
)
def test_a_query_the_list_would_refuse_is_not_saved(client, alice, query, said):
    client.force_login(alice.approver)

    response = _save(client, "sneaky", query)

    assert not SavedFilter.objects.exists()
    assert any(said in m for m in messages_of(response))


def test_the_list_shows_only_the_persons_own_views(client, alice, bob):
    _view(alice.approver, alice.org, name="alice approver's view")
    _view(alice.viewer, alice.org, name="alice viewer's view")
    _view(bob.approver, bob.org, name="bob's view")
    client.force_login(alice.approver)

    content = client.get(LIST).content.decode()

    assert "alice approver&#x27;s view" in content
    assert "alice viewer" not in content.split('id="saved-views"')[1].split("</form>")[0]
    assert "bob&#x27;s view" not in content


def test_applying_a_view_opens_the_list_with_its_filters_and_marks_it(client, alice):
    view = _view(alice.approver, alice.org, query="risk__exact=high&sets=grouped")
    client.force_login(alice.approver)

    response = client.get(f"{SAVE}{view.pk}/", follow=True)

    assert response.redirect_chain[-1][0] == f"{LIST}?risk__exact=high&sets=grouped"
    assert 'class="saved-view active"' in response.content.decode()


def test_a_view_that_no_longer_fits_the_list_says_so_instead_of_failing(client, alice):
    # Saved when the list had a filter it has since dropped.
    view = _view(alice.approver, alice.org, query="source__exact=optimizer")
    client.force_login(alice.approver)

    response = client.get(f"{SAVE}{view.pk}/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == LIST
    assert any(
        "“mine” no longer fits this list: it filters by something" in m
        for m in messages_of(response)
    )


def test_another_persons_view_can_be_neither_applied_nor_deleted(client, alice, bob):
    theirs = _view(bob.approver, bob.org)
    colleagues = _view(alice.viewer, alice.org, name="colleague's")
    client.force_login(alice.admin)

    for view in (theirs, colleagues):
        assert client.get(f"{SAVE}{view.pk}/").status_code == 404
        assert client.post(f"{SAVE}{view.pk}/delete/").status_code == 404

    assert SavedFilter.objects.count() == 2


def test_a_view_kept_in_an_organization_the_person_left_is_gone_from_their_list(client, alice):
    other = make_org("agency client")
    membership = alice.approver.memberships.create(organization=other, role=Role.VIEWER)
    old = _view(alice.approver, other, name="client's high risk")
    membership.delete()
    client.force_login(alice.approver)

    assert "client&#x27;s high risk" not in client.get(LIST).content.decode()
    assert client.get(f"{SAVE}{old.pk}/").status_code == 404


def test_deleting_a_view_returns_to_the_list_the_person_was_on(client, alice):
    view = _view(alice.approver, alice.org)
    client.force_login(alice.approver)

    response = client.post(
        f"{SAVE}{view.pk}/delete/", {"query": "risk__exact=high&p=2"}, follow=True
    )

    assert not SavedFilter.objects.exists()
    assert response.redirect_chain[-1][0] == f"{LIST}?risk__exact=high"
    assert any("Deleted the saved view “mine”" in m for m in messages_of(response))


def test_saving_and_deleting_take_a_post(client, alice):
    view = _view(alice.approver, alice.org)
    client.force_login(alice.approver)

    assert client.get(SAVE).status_code == 405
    assert client.get(f"{SAVE}{view.pk}/delete/").status_code == 405


def test_a_person_in_two_organizations_chooses_where_the_view_is_kept(client, alice, bob):
    alice.approver.memberships.create(organization=bob.org, role=Role.VIEWER)
    client.force_login(alice.approver)

    assert 'name="organization"' in client.get(LIST).content.decode()
    unchosen = _save(client, "no choice", "risk__exact=high")
    assert any("choose the organization" in m for m in messages_of(unchosen))
    _save(client, "bob's", "risk__exact=high", organization=bob.org.pk)

    assert SavedFilter.objects.get().organization == bob.org


def test_a_view_cannot_be_filed_under_an_organization_the_person_is_not_in(client, alice, bob):
    client.force_login(alice.approver)

    _save(client, "planted", "risk__exact=high", organization=bob.org.pk)

    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("model_name", ["changeset", "alert"])
def test_the_change_set_and_alert_lists_keep_views_too(client, alice, model_name):
    client.force_login(alice.approver)
    url = changelist_url(model_name)

    client.post(url + "saved-views/", {"name": "proposed", "query": "status__exact=proposed"})
    if model_name == "alert":
        client.post(url + "saved-views/", {"name": "open", "query": "acknowledged=no"})
    content = client.get(url).content.decode()

    views = SavedFilter.objects.filter(changelist=f"campaigns.{model_name}")
    expected = {"changeset": {"proposed"}, "alert": {"open"}}[model_name]
    assert set(views.values_list("name", flat=True)) == expected
    for name in expected:
        assert f">{name}</a>" in content


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_panel_costs_one_query_however_many_views(client, alice):
    client.force_login(alice.approver)
    client.get(LIST)
    with_none = _queries(client, LIST)

    for n in range(5):
        _view(alice.approver, alice.org, name=f"view {n}")

    assert _queries(client, LIST) == with_none


def test_the_service_refuses_a_non_member_and_another_persons_delete(alice, bob):
    with pytest.raises(PermissionDenied):
        saved_filter_create(
            owner=alice.approver, organization=bob.org, changelist=RECS, name="x", query=""
        )
    view = _view(bob.approver, bob.org)
    with pytest.raises(PermissionDenied):
        saved_filter_delete(saved_filter=view, actor=alice.approver)
    with pytest.raises(ServiceError):
        saved_filter_create(
            owner=alice.approver,
            organization=alice.org,
            changelist=RECS,
            name="long",
            query="q=" + "x" * 1000,
        )
    assert SavedFilter.objects.count() == 1
