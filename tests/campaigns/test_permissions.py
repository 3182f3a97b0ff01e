"""Who may call which service: the role in the object's own organization, and nothing else."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from campaigns.actors import system_user
from campaigns.credentials import decrypt_credentials
from campaigns.models import (
    AdAccount,
    Campaign,
    ExecutionMode,
    GuardrailPolicy,
    Membership,
    Recommendation,
    RecommendationStatus,
    Role,
)
from campaigns.services import accounts, campaigns, recommendations
from campaigns.services.errors import ServiceError
from tests.factories import make_recommendation

R = RecommendationStatus


# Each service: (what it does to a tenant's objects, whether it happened).
def _pause(t, actor):
    campaigns.campaign_pause(campaign=t.campaign, actor=actor, reason="Spend spike")


def _paused(t):
    # A person's pause is a change on its way to the platform (the executor pauses).
    return Recommendation.objects.filter(campaign=t.campaign, kind="pause").exists()


def _limits(t, actor):
    campaigns.campaign_update_limits(
        campaign=t.campaign,
        actor=actor,
        reason="Cap",
        max_daily_spend=Decimal("123.00"),
        total_spend_limit=None,
    )


def _limited(t):
    return Campaign.objects.get(pk=t.campaign.pk).max_daily_spend == Decimal("123.00")


def _approve(t, actor):
    recommendations.recommendation_approve(recommendation=t.recommendation, actor=actor)


def _approved(t):
    return Recommendation.objects.get(pk=t.recommendation.pk).status == R.APPROVED


def _reject(t, actor):
    recommendations.recommendation_reject(
        recommendation=t.recommendation, actor=actor, note="Not now"
    )


def _rejected(t):
    return Recommendation.objects.get(pk=t.recommendation.pk).status == R.REJECTED


def _requeue(t, actor):
    recommendations.recommendation_requeue(recommendation=t.failed, actor=actor)


def _requeued(t):
    return Recommendation.objects.get(pk=t.failed.pk).status == R.APPROVED


def _mode(t, actor):
    accounts.account_set_execution_mode(
        account=t.account, actor=actor, mode=ExecutionMode.LIVE, reason="Go live"
    )


def _mode_changed(t):
    return AdAccount.objects.get(pk=t.account.pk).execution_mode == ExecutionMode.LIVE


def _credentials(t, actor):
    accounts.account_set_credentials(
        account=t.account, actor=actor, values={"client_secret": "planted"}
    )


def _credentials_set(t):
    stored = AdAccount.objects.get(pk=t.account.pk).credentials_ciphertext
    return decrypt_credentials(stored).get("client_secret") == "planted"


def _policy(t, actor):
    accounts.policy_save(
        policy=GuardrailPolicy(organization=t.org, cooldown_hours=1), actor=actor, reason="Faster"
    )


def _policy_saved(t):
    return GuardrailPolicy.objects.filter(organization=t.org, cooldown_hours=1).exists()


# service: (call, happened, the least role that may call it)
SERVICES = {
    "pause": (_pause, _paused, Role.ANALYST),
    "update_limits": (_limits, _limited, Role.ANALYST),
    "approve": (_approve, _approved, Role.APPROVER),
    "reject": (_reject, _rejected, Role.APPROVER),
    "requeue": (_requeue, _requeued, Role.APPROVER),
    "set_execution_mode": (_mode, _mode_changed, Role.ADMIN),
    "set_credentials": (_credentials, _credentials_set, Role.ADMIN),
    "policy_save": (_policy, _policy_saved, Role.ADMIN),
}
ROLES = [Role.VIEWER, Role.ANALYST, Role.APPROVER, Role.ADMIN]


@pytest.fixture
def alice_(alice):
    alice.failed = make_recommendation(alice.campaign, status=R.FAILED)
    return alice


@pytest.fixture
def bob_(bob):
    bob.failed = make_recommendation(bob.campaign, status=R.FAILED)
    return bob


def _fresh(user):
    """The user as a new request would load it (no cached roles)."""
    return get_user_model().objects.get(pk=user.pk)


def _matrix():
    for service, (_, _, least) in SERVICES.items():
        for role in ROLES:
            yield pytest.param(
                service, role, ROLES.index(role) >= ROLES.index(least), id=f"{service}-{role}"
            )


@pytest.mark.parametrize(("service", "role", "allowed"), list(_matrix()))
def test_each_role_may_call_exactly_the_services_its_role_allows(
    alice_, bob_, service, role, allowed
):
    call, happened, _ = SERVICES[service]
    actor = _fresh(getattr(alice_, role))
    if allowed:
        call(alice_, actor)
        assert happened(alice_)
    else:
        with pytest.raises(PermissionDenied, match="may not"):
            call(alice_, actor)
        assert not happened(alice_)
    assert not happened(bob_)


@pytest.mark.parametrize("service", SERVICES)
def test_an_admin_of_one_organization_cannot_act_on_anothers_objects(alice_, bob_, service):
    call, happened, _ = SERVICES[service]
    with pytest.raises(PermissionDenied):
        call(bob_, _fresh(alice_.admin))
    assert not happened(bob_)


@pytest.mark.parametrize("service", SERVICES)
def test_a_viewer_in_the_other_organization_is_still_only_a_viewer_there(alice_, bob_, service):
    Membership.objects.create(user=alice_.admin, organization=bob_.org, role=Role.VIEWER)
    call, happened, _ = SERVICES[service]
    with pytest.raises(PermissionDenied):
        call(bob_, _fresh(alice_.admin))
    assert not happened(bob_)


@pytest.mark.parametrize("service", SERVICES)
def test_a_superuser_may_act_in_every_organization(alice_, bob_, superuser, service):
    call, happened, _ = SERVICES[service]
    call(alice_, _fresh(superuser))
    call(bob_, _fresh(superuser))
    assert happened(alice_) and happened(bob_)


@pytest.mark.parametrize("service", SERVICES)
def test_the_system_user_may_act_in_every_organization(alice_, bob_, service):
    call, happened, _ = SERVICES[service]
    call(alice_, system_user())
    call(bob_, system_user())
    assert happened(alice_) and happened(bob_)


@pytest.mark.parametrize("service", SERVICES)
def test_an_inactive_admin_may_do_nothing(alice_, service):
    get_user_model().objects.filter(pk=alice_.admin.pk).update(is_active=False)
    call, happened, _ = SERVICES[service]
    with pytest.raises(PermissionDenied):
        call(alice_, _fresh(alice_.admin))
    assert not happened(alice_)


@pytest.mark.parametrize("service", SERVICES)
def test_an_inactive_superuser_may_do_nothing(alice_, superuser, service):
    get_user_model().objects.filter(pk=superuser.pk).update(is_active=False)
    call, happened, _ = SERVICES[service]
    with pytest.raises(PermissionDenied):
        call(alice_, _fresh(superuser))
    assert not happened(alice_)


def test_an_admin_deactivated_mid_request_loses_the_roles_it_had_cached(alice_):
    admin = _fresh(alice_.admin)
    _pause(alice_, admin)  # caches admin's roles on the object
    admin.is_active = False
    with pytest.raises(PermissionDenied):
        _mode(alice_, admin)
    assert not _mode_changed(alice_)


def test_it_refuses_a_policy_that_overrides_another_organizations_account(alice_, bob_):
    policy = GuardrailPolicy(organization=alice_.org, account=bob_.account)
    with pytest.raises(ServiceError, match="its own organization"):
        accounts.policy_save(policy=policy, actor=_fresh(alice_.admin), reason="Sneaky")
    assert not GuardrailPolicy.objects.filter(account=bob_.account).exists()


def test_an_admin_cannot_take_another_organizations_policy_by_editing_its_organization(
    alice_, bob_
):
    bobs = GuardrailPolicy.objects.create(organization=bob_.org, cooldown_hours=72)
    edited = GuardrailPolicy.objects.get(pk=bobs.pk)
    edited.organization = alice_.org
    edited.cooldown_hours = 1
    with pytest.raises(PermissionDenied):
        accounts.policy_save(policy=edited, actor=_fresh(alice_.admin), reason="Mine now")
    bobs.refresh_from_db()
    assert (bobs.organization, bobs.cooldown_hours) == (bob_.org, 72)


def test_a_campaign_service_checks_the_stored_campaign_not_the_copy_it_was_given(alice_, bob_):
    # A copy of bob's campaign that claims to be in alice's account (a tampered
    # form, a stale cache): the role must be checked against the stored row.
    forged = Campaign.objects.get(pk=bob_.campaign.pk)
    forged.account = alice_.account
    with pytest.raises(PermissionDenied):
        campaigns.campaign_pause(campaign=forged, actor=_fresh(alice_.analyst), reason="Mine")
    assert not _paused(bob_)
