"""Two tenants everywhere: alice's org and bob's org, each with every role.

Because every test can reach both, isolation is checked for free: a test
that acts as alice's viewer should also show bob's rows stay invisible.
"""

import os
from types import SimpleNamespace

import pytest
from hypothesis import settings

from campaigns.models import Role
from tests.factories import (
    make_account,
    make_ad_group,
    make_audience,
    make_campaign,
    make_org,
    make_recommendation,
    make_user,
)

# Property tests explore new examples on every local run (and keep what fails in
# .hypothesis/); under CI they run a fixed set, so a commit is green or red by its
# code, not by the draw. What a local run finds is pinned with @example.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _tenant(name: str):
    org = make_org(f"{name} org")
    account = make_account(org, name=f"{name} account")
    campaign = make_campaign(account, name=f"{name} campaign")
    return SimpleNamespace(
        org=org,
        account=account,
        campaign=campaign,
        ad_group=make_ad_group(campaign, name=f"{name} ad group"),
        audience=make_audience(account, name=f"{name} audience"),
        recommendation=make_recommendation(campaign),
        viewer=make_user(f"{name}-viewer", org, Role.VIEWER),
        analyst=make_user(f"{name}-analyst", org, Role.ANALYST),
        approver=make_user(f"{name}-approver", org, Role.APPROVER),
        admin=make_user(f"{name}-admin", org, Role.ADMIN),
    )


@pytest.fixture(autouse=True)
def _fresh_switch_cache():
    """The kill-switch cache lives per process; a test must not see the last one's."""
    from campaigns.switches import forget_switches

    forget_switches()
    yield
    forget_switches()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test builds two tenants with four users each; PBKDF2 would cost seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return _tenant("alice")


@pytest.fixture
def bob(db):
    return _tenant("bob")


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True)


@pytest.fixture(autouse=True)
def _google_requests_follow_googles_protos(request):
    """Every body and GAQL query any test makes a GoogleAdsClient send is checked
    against the google-ads package's protos (tests/executors/google/contract.py).
    A test that sends a wrong body on purpose says so: @pytest.mark.google_contract_exempt."""
    if request.node.get_closest_marker("google_contract_exempt"):
        yield
        return
    from tests.executors.google.contract import contract_problems, google_requests

    with google_requests() as sent:
        yield
    problems = contract_problems(sent)
    assert not problems, "Google's protos refuse what the client sent:\n" + "\n".join(problems)
