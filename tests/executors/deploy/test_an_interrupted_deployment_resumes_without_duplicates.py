"""A deployment killed half-way (after N creates the platform applied, before Spectra
heard back or stored anything more) resumes with what exists and creates only the
rest: the platform never holds a duplicate."""

import pytest

from executors.clients.adobe import AdobeClient
from executors.clients.google_ads import GoogleAdsClient
from tests.executors.deploy.conftest import (
    ONE_LAUNCH,
    adobe_account,
    assert_active,
    created_counts,
    deploy,
    google_account,
    make_launch,
)

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even an except clause."""


def _die_after(monkeypatch, cls, method: str, creates: int) -> None:
    original = getattr(cls, method)
    calls = {"n": 0}

    def dying(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if not kwargs.get("validate_only"):
            calls["n"] += 1
            if calls["n"] == creates:
                raise WorkerKilled()
        return result

    monkeypatch.setattr(cls, method, dying)


def _killed_then_resumed(monkeypatch, account, client, method: str, creates: int) -> None:
    """A launch whose first deployment dies after `creates` creates; the next one ends it."""
    campaign = make_launch(account)
    with monkeypatch.context() as patch:
        _die_after(patch, client, method, creates)
        with pytest.raises(WorkerKilled):
            deploy(campaign)

    assert deploy(campaign) == "active"
    assert_active(campaign)


@pytest.mark.parametrize("creates", [1, 2, 3, 4, 5])
def test_a_google_deployment_killed_after_some_creates_finishes_without_duplicates(
    alice, sandbox, monkeypatch, creates
):
    account = google_account(alice, sandbox)

    _killed_then_resumed(monkeypatch, account, GoogleAdsClient, "mutate_operations", creates)

    assert created_counts(sandbox) == ONE_LAUNCH["google"]


@pytest.mark.parametrize("creates", [1, 2, 3, 4])
def test_an_adobe_deployment_killed_after_some_creates_finishes_without_duplicates(
    alice, sandbox, monkeypatch, creates
):
    account = adobe_account(alice, sandbox)

    _killed_then_resumed(monkeypatch, account, AdobeClient, "create", creates)

    assert created_counts(sandbox, "adobe") == ONE_LAUNCH["adobe"]
