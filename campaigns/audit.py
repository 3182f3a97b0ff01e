"""The audit timeline: one campaign's or one account's history, decisions and platform writes.

Merges simple-history versions (account, guardrail policies, campaigns, ad
groups, audiences, recommendations — whose versions are the decisions) with
ExecutionLog rows, newest first. A page costs the same number of queries
however long the history: one UNION of (source, id, date) picks the page's
rows, then each source loads its rows on that page, and the version each one
follows, to say what changed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value

from campaigns.models import AdAccount, AdGroup, Audience, Campaign, GuardrailPolicy, Recommendation

PAGE_SIZE = 50
# The databases take a LIMIT/OFFSET up to a signed 64-bit integer; a page past
# that is past the end of any timeline, and asking the database would fail.
_MAX_OFFSET = 2**63 - 1
# Bookkeeping that changes with every save and says nothing to a reader.
# Who decided and when are the entry's own actor and time.
_QUIET_FIELDS = {
    "updated_at",
    "created_at",
    "lease_expires_at",
    "last_synced_at",
    "decided_at",
    "decided_by",
}
_HISTORY_VERBS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    source: str  # what kind of record: "campaign", "recommendation", "execution", …
    subject: str  # the object, in words
    model: str  # "app_label.model_name" of the object, for a link
    object_id: int
    actor: str  # who: a person, the system, the policy — or the executor
    what: str  # what happened, in words
    why: str  # the recorded reason
    answer: str = ""  # the platform's answer (execution log rows)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _execution_log():
    # By name: campaigns is imported by the executors, never the other way round.
    return apps.get_model("executors", "ExecutionLog")


def _history_sources(*, campaign: Campaign | None, account: AdAccount | None) -> dict:
    """{source name: (model, queryset of its historical rows)} for one campaign or account."""
    if campaign is not None:
        account = campaign.account
        scope = {
            "campaign": (Campaign, Campaign.history.filter(id=campaign.pk)),
            "ad group": (AdGroup, AdGroup.history.filter(campaign_id=campaign.pk)),
            "recommendation": (
                Recommendation,
                Recommendation.history.filter(campaign_id=campaign.pk),
            ),
        }
    else:
        scope = {
            "campaign": (Campaign, Campaign.history.filter(account_id=account.pk)),
            "ad group": (AdGroup, AdGroup.history.filter(campaign__account_id=account.pk)),
            "audience": (Audience, Audience.history.filter(account_id=account.pk)),
            "recommendation": (
                Recommendation,
                Recommendation.history.filter(account_id=account.pk),
            ),
        }
    # The account's settings and the policies it runs under shape every campaign's fate.
    scope["account"] = (AdAccount, AdAccount.history.filter(id=account.pk))
    scope["policy"] = (
        GuardrailPolicy,
        GuardrailPolicy.history.filter(
            Q(account_id=account.pk)
            | Q(organization_id=account.organization_id, account_id__isnull=True)
        ),
    )
    return scope


def _executions(*, campaign: Campaign | None, account: AdAccount | None):
    logs = _execution_log().objects.all()
    if campaign is not None:
        return logs.filter(recommendation__campaign_id=campaign.pk)
    return logs.filter(account_id=account.pk)


def audit_timeline(
    *,
    campaign: Campaign | None = None,
    account: AdAccount | None = None,
    search: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the timeline of `campaign` or `account`, newest first.

    `search` keeps entries whose reason or actor contains the text (for
    execution rows: the action, outcome or platform answer). The caller has
    already decided the user may see this campaign or account.
    """
    if (campaign is None) == (account is None):
        raise ValueError("Give a campaign or an account.")
    search = search.strip()
    history = _history_sources(campaign=campaign, account=account)
    logs = _executions(campaign=campaign, account=account)
    if search:
        matches = Q(history_change_reason__icontains=search) | Q(
            history_user__username__icontains=search
        )
        history = {name: (model, rows.filter(matches)) for name, (model, rows) in history.items()}
        logs = logs.filter(
            Q(detail__icontains=search) | Q(action__icontains=search) | Q(outcome__icontains=search)
        )

    def keys(rows, name, pk, date):
        return (
            rows.order_by()
            .annotate(
                src=Value(name, output_field=models.CharField()),
                key=F(pk),
                at=F(date),
            )
            .values_list("src", "key", "at")
        )

    parts = [keys(rows, name, "history_id", "history_date") for name, (_, rows) in history.items()]
    parts.append(keys(logs, "execution", "id", "created_at"))
    page = max(page, 1)
    start = (page - 1) * page_size
    if start + page_size + 1 > _MAX_OFFSET:
        return AuditPage(entries=[], number=page, has_next=False)
    union = parts[0].union(*parts[1:], all=True).order_by("-at", "-key")
    picked = list(union[start : start + page_size + 1])
    has_next = len(picked) > page_size
    picked = picked[:page_size]

    wanted: dict[str, list[int]] = {}
    for name, key, _ in picked:
        wanted.setdefault(name, []).append(key)
    built: dict[tuple[str, int], AuditEntry] = {}
    for name, ids in wanted.items():
        if name == "execution":
            for log in _execution_log().objects.filter(pk__in=ids).select_related("recommendation"):
                built[name, log.pk] = _execution_entry(log)
        else:
            model, _ = history[name]
            for record, previous in _versions(model, ids):
                built[name, record.history_id] = _history_entry(name, model, record, previous)
    return AuditPage(
        entries=[built[name, key] for name, key, _ in picked if (name, key) in built],
        number=page,
        has_next=has_next,
    )


def _versions(model, history_ids: list[int]):
    """The historical rows `history_ids`, each with the version of its object just before."""
    historical = model.history.model
    earlier = (
        historical.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        historical.objects.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(previous_id=Subquery(earlier))
    )
    previous = historical.objects.in_bulk(
        [r.previous_id for r in records if r.previous_id is not None]
    )
    return [(r, previous.get(r.previous_id)) for r in records]


def _label(model, field_name: str) -> str:
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:  # a field since removed keeps its raw name
        return field_name


def _changes(model, record, previous) -> str:
    if previous is None:
        return ""
    delta = record.diff_against(previous, excluded_fields=_QUIET_FIELDS)
    return "; ".join(
        f"{_label(model, c.field)}: {_short(c.old)} → {_short(c.new)}" for c in delta.changes
    )


def _short(value) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _subject(name: str, record) -> str:
    if name == "recommendation":
        return f"Recommendation #{record.id} ({record.get_kind_display()})"
    if name == "policy":
        return f"Guardrail policy v{record.version}" if hasattr(record, "version") else "Policy"
    return f"{name.capitalize()} “{getattr(record, 'name', record.id)}”"


def _history_entry(name, model, record, previous) -> AuditEntry:
    verb = _HISTORY_VERBS.get(record.history_type, "changed")
    changes = _changes(model, record, previous)
    return AuditEntry(
        when=record.history_date,
        source=name,
        subject=_subject(name, record),
        model=model._meta.label_lower,
        object_id=record.id,
        actor=_actor(record.history_user),
        what=f"{verb}: {changes}" if changes else verb,
        why=record.history_change_reason or "",
    )


def _actor(user) -> str:
    if user is None:
        return "—"
    full = user.get_full_name()
    return f"{user.username} ({full})" if full else user.username


def _execution_entry(log) -> AuditEntry:
    answer = log.get_outcome_display()
    if log.response:
        answer += f": {_short(log.response)}"
    return AuditEntry(
        when=log.created_at,
        source="execution",
        subject=f"Recommendation #{log.recommendation_id}",
        model=log._meta.label_lower,
        object_id=log.pk,
        actor=f"executor ({log.mode}, attempt {log.attempt})",
        what=log.action,
        why=log.detail,
        answer=answer,
    )
