"""What needs this person now: the console's in-app list, one section per kind of work.

Each section is what the person's role lets them act on in each of their
organizations (an approver sees the decisions waiting, a viewer does not),
grouped per account so a thousand waiting proposals are one line, not a
thousand. A fixed number of queries, whatever the volume.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from campaigns.auth import roles_by_org
from campaigns.models import (
    AdAccount,
    Alert,
    ChangeSet,
    ChangeSetStatus,
    Recommendation,
    RecommendationStatus,
    Severity,
)
from campaigns.roles import role_allows
from campaigns.selectors import scoped, visible_org_ids
from campaigns.switches import switches_off

# Failed changes stay on the list for a week: long enough to be seen after a weekend.
FAILED_WINDOW = timedelta(days=7)
DEAD_LETTER_WINDOW = timedelta(hours=24)
ALERTS_LISTED = 10
SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Line:
    """One thing to look at: what, how much, since when, and where to act on it."""

    text: str
    url: str = ""
    count: int = 0
    since: datetime | None = None
    severity: str = Severity.WARNING
    since_word: str = "waiting"  # "waiting 3 hours"; an alert was "raised 3 hours" ago


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(line.count or 1 for line in self.lines)


@dataclass
class Attention:
    sections: list[Section]

    @property
    def count(self) -> int:
        return sum(s.count for s in self.sections)


def _url(name: str, query: dict | None = None, args=None) -> str:
    try:
        base = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode(query)}" if query else base


def _queue(account_id: int) -> str:
    """The approval queue for one account: single changes and one row per reallocation."""
    return _url(
        "admin:campaigns_recommendation_changelist",
        {"sets": "grouped", "status__exact": RecommendationStatus.PROPOSED, "account": account_id},
    )


def _orgs_where(user, permission: str) -> list[int] | None:
    """Organization ids where the user's role allows `permission`; None means all."""
    if user.is_active and user.is_superuser:
        return None
    return [org for org, role in roles_by_org(user).items() if role_allows(role, permission)]


def _in_orgs(queryset, org_ids: list[int] | None, lookup: str):
    return queryset if org_ids is None else queryset.filter(**{f"{lookup}__in": org_ids})


def _per_account(queryset) -> list[dict]:
    return list(
        queryset.values("account_id", "account__name")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest")
    )


def _account_lines(queryset, text: str, url, severity=Severity.WARNING) -> list[Line]:
    """One line per account: `text` with {name} and {n}, linked to `url(account_id)`."""
    return [
        Line(
            text.format(name=row["account__name"], n=f"{row['n']:,}"),
            url(row["account_id"]),
            row["n"],
            row["oldest"],
            severity,
        )
        for row in _per_account(queryset)
    ]


def _listed(status: str):
    def url(account_id: int) -> str:
        return _url(
            "admin:campaigns_recommendation_changelist",
            {"status__exact": status, "account": account_id},
        )

    return url


def _decisions(user) -> Section:
    section = Section("decisions", "Decisions waiting for you")
    orgs = _orgs_where(user, "campaigns.approve_recommendation")
    if orgs == []:
        return section
    singles = Recommendation.objects.filter(
        status=RecommendationStatus.PROPOSED, change_set__isnull=True
    )
    sets = ChangeSet.objects.filter(status=ChangeSetStatus.PROPOSED)
    section.lines += _account_lines(
        _in_orgs(singles, orgs, "account__organization_id"),
        "{name}: {n} proposed change(s)",
        _queue,
    )
    section.lines += _account_lines(
        _in_orgs(sets, orgs, "account__organization_id"),
        "{name}: {n} reallocation(s), decided as a whole",
        _queue,
    )
    return section


def _stopped_changes(user, now: datetime) -> Section:
    """Approved changes a guardrail stopped (an approver may re-queue them) and changes the
    platform refused in the last week (someone should know why)."""
    section = Section("stopped", "Changes that did not go through")
    approver_orgs = _orgs_where(user, "campaigns.approve_recommendation")
    if approver_orgs != []:
        blocked = Recommendation.objects.filter(status=RecommendationStatus.BLOCKED)
        section.lines += _account_lines(
            _in_orgs(blocked, approver_orgs, "account__organization_id"),
            "{name}: {n} blocked by a guardrail (re-queue or let them go)",
            _listed(RecommendationStatus.BLOCKED),
        )
    failed = Recommendation.objects.filter(
        status=RecommendationStatus.FAILED, updated_at__gte=now - FAILED_WINDOW
    )
    section.lines += _account_lines(
        scoped(failed, user),
        "{name}: {n} failed on the platform this week",
        _listed(RecommendationStatus.FAILED),
        Severity.CRITICAL,
    )
    return section


def _alerts(user) -> Section:
    section = Section("alerts", "Open alerts")
    open_alerts = scoped(Alert.objects.filter(acknowledged_at__isnull=True), user)
    by_severity = dict(
        open_alerts.values("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    newest = open_alerts.select_related("account", "organization").order_by("-created_at")[
        :ALERTS_LISTED
    ]
    for alert in sorted(newest, key=lambda a: (SEVERITY_ORDER.get(a.severity, 3), -a.pk)):
        section.lines.append(
            Line(
                f"{alert.title} · {alert.account or alert.organization}",
                _url("admin:campaigns_alert_change", args=[alert.pk]),
                0,
                alert.created_at,
                alert.severity,
                "raised",
            )
        )
    unlisted = sum(by_severity.values()) - len(section.lines)
    if unlisted > 0:
        section.lines.append(
            Line(
                f"and {unlisted:,} more open alert(s)",
                _url("admin:campaigns_alert_changelist", {"acknowledged": "no"}),
                unlisted,
                None,
                Severity.INFO,
            )
        )
    return section


def _switches(user) -> Section:
    """Switches that are off: nothing to fix, perhaps, but nothing will be written."""
    section = Section("switches", "Platform writes switched off")
    org_ids = visible_org_ids(user)
    if org_ids is None:
        org_ids = list(AdAccount.objects.values_list("organization_id", flat=True).distinct())
    for state in switches_off(org_ids):
        section.lines.append(
            Line(
                state.reason[:1].upper() + state.reason[1:],
                _url("admin:campaigns_executionswitch_changelist"),
                severity=Severity.CRITICAL,
            )
        )
    return section


def _dead_letters(user, now: datetime) -> Section:
    section = Section("tasks", "Failed background tasks")
    if not (user.is_active and user.is_superuser):
        return section  # the task queue is the operators', not any organization's
    from django_q.models import Failure

    n = Failure.objects.filter(stopped__gte=now - DEAD_LETTER_WINDOW).count()
    if n:
        section.lines.append(
            Line(
                f"{n:,} task(s) failed in the last 24 h (the dead-letter queue)",
                _url("admin:django_q_failure_changelist"),
                n,
                severity=Severity.CRITICAL,
            )
        )
    return section


def attention_for(*, user, now: datetime | None = None) -> Attention:
    """Everything waiting for `user`, most urgent kinds first; empty sections dropped."""
    now = now or timezone.now()
    sections = [
        _switches(user),
        _decisions(user),
        _stopped_changes(user, now),
        _alerts(user),
        _dead_letters(user, now),
    ]
    return Attention([s for s in sections if s.lines])
