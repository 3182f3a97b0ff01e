"""Reading an account's state and performance from its platform (idempotent upserts).

`sync_account` can run any number of times: unchanged rows are not written,
changed ones are updated, new ones created. A row the platform sends that
makes no sense is quarantined with its reason and the rest of the sync goes
on. The query count is constant per batch (one page of the report), never
per row.
"""

import hashlib
import json
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaigns.actors import system_user
from campaigns.models import (
    AdAccount,
    AdGroup,
    Audience,
    Campaign,
    CampaignStatus,
    DailyMetric,
    Platform,
    QuarantinedRow,
    QuarantineKind,
    SyncRun,
    SyncStatus,
)
from campaigns.services.campaigns import campaign_transition
from executors.clients.errors import PlatformError, error_summary, shown_text
from executors.clients.factory import client_for
from executors.metric_upsert import upsert_metrics
from executors.own_writes import OwnWrites
from executors.search_terms import sync_search_terms
from executors.sync_rows import (
    BadRow,
    clean_ad_group,
    clean_audience,
    clean_campaign,
    clean_metric,
)

logger = logging.getLogger("spectra.sync")
METRIC_FIELDS = ("impressions", "clicks", "conversions", "conversion_value", "spend")
SYNC_REASON = "Synced from the platform"
METRIC_BATCH = 5000  # rows per upsert transaction: short write locks on SQLite


@dataclass
class Quarantine:
    """Bad rows collected during a sync, written together at the end."""

    account: AdAccount
    rows: dict[tuple[str, str], QuarantinedRow] = field(default_factory=dict)

    def add(self, kind: str, record: dict, reason: str) -> None:
        # The reason quotes the platform's value and viewers read it: bounded and
        # redacted like any platform text (the payload keeps the row whole).
        reason = shown_text(reason)
        payload = _json_safe(record.get("raw", record))
        canonical = json.dumps(payload, sort_keys=True, default=str)
        fingerprint = hashlib.sha256(f"{reason}|{canonical}".encode()).hexdigest()
        external_id = record.get("external_id") or record.get("ad_group_external_id") or ""
        logger.warning("Quarantined %s %s of %s: %s", kind, external_id, self.account, reason)
        self.rows[(kind, fingerprint)] = QuarantinedRow(
            account=self.account,
            kind=kind,
            external_id=str(external_id)[:128],
            fingerprint=fingerprint,
            reason=reason,
            # An item that was JSON null is kept as {"item": null}: Django would store a
            # bare None as SQL NULL, which the column refuses.
            payload={"item": None} if payload is None else json.loads(canonical),
        )

    def flush(self) -> int:
        if not self.rows:
            return 0
        existing = set(
            QuarantinedRow.objects.filter(
                account=self.account, fingerprint__in=[f for _, f in self.rows]
            ).values_list("kind", "fingerprint")
        )
        new = [row for key, row in self.rows.items() if key not in existing]
        QuarantinedRow.objects.bulk_create(new)
        if existing:
            QuarantinedRow.objects.filter(
                account=self.account, fingerprint__in=[f for _, f in existing]
            ).update(occurrences=F("occurrences") + 1, last_seen_at=timezone.now())
        return len(self.rows)


def _json_safe(value):
    """The payload as storable JSON: NaN and infinities (not JSON) become their names."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _cleaned(records, cleaner, kind, quarantine, **kwargs) -> dict[str, dict]:
    """Clean records into {external_id: values}; bad and duplicate ids are quarantined."""
    good: dict[str, dict] = {}
    for record in records:
        try:
            values = cleaner(record, **kwargs)
        except BadRow as exc:
            quarantine.add(kind, record, str(exc))
            continue
        if values["external_id"] in good:
            quarantine.add(
                kind, record, f"duplicate id {values['external_id']!r} in the platform's answer"
            )
            continue
        good[values["external_id"]] = values
    return good


def _upsert(
    model, existing: dict, incoming: dict, fields: list[str], make, actor, *, row, own_writes
) -> dict:
    """Create missing rows and update changed ones, with history; returns all by external id.

    A field Spectra is writing or has just written is left as it is (`own_writes`), and
    a row is updated in the fields that changed only: writing back the others as loaded
    could undo a change the executor recorded meanwhile.
    """
    to_create = [
        make(ext_id, values) for ext_id, values in incoming.items() if ext_id not in existing
    ]
    to_update = defaultdict(list)  # the fields that changed → the rows
    for ext_id, values in incoming.items():
        obj = existing.get(ext_id)
        if obj is None:
            continue
        changed = tuple(
            f
            for f in fields
            if getattr(obj, f) != values[f] and not own_writes.keeps(row, obj, f, values[f])
        )
        if changed:
            for f in changed:
                setattr(obj, f, values[f])
            to_update[changed].append(obj)
    if to_create:
        created = bulk_create_with_history(
            to_create,
            model,
            default_user=actor,
            default_change_reason="Discovered on the platform by sync",
        )
        existing.update({obj.external_id: obj for obj in created})
    for changed, objs in to_update.items():
        bulk_update_with_history(
            objs, model, list(changed), default_user=actor, default_change_reason=SYNC_REASON
        )
    return existing


def _sync_structure(account, client, quarantine, actor, run) -> dict[str, AdGroup]:
    campaigns_in = _cleaned(
        client.campaigns(),
        clean_campaign,
        QuarantineKind.CAMPAIGN,
        quarantine,
        currency=account.currency,
    )
    ad_groups_in = _cleaned(client.ad_groups(), clean_ad_group, QuarantineKind.AD_GROUP, quarantine)
    audiences_in = _cleaned(client.audiences(), clean_audience, QuarantineKind.AUDIENCE, quarantine)
    run.campaigns_seen, run.ad_groups_seen = len(campaigns_in), len(ad_groups_in)
    run.audiences_seen = len(audiences_in)

    with transaction.atomic():
        existing_campaigns = {c.external_id: c for c in Campaign.objects.filter(account=account)}
        existing_ad_groups = {
            g.external_id: g for g in AdGroup.objects.filter(campaign__account=account)
        }
        existing_audiences = {a.external_id: a for a in Audience.objects.filter(account=account)}
        own_writes = OwnWrites.of_account(account, now=timezone.now())
        campaigns = _upsert(
            Campaign,
            existing_campaigns,
            campaigns_in,
            ["name", "daily_budget"],
            lambda ext_id, v: Campaign(
                account=account,
                external_id=ext_id,
                name=v["name"],
                daily_budget=v["daily_budget"],
                status=CampaignStatus.ACTIVE if v["status"] == "active" else CampaignStatus.PAUSED,
            ),
            actor,
            row="campaign",
            own_writes=own_writes,
        )
        _follow_platform_status(campaigns, campaigns_in, actor, own_writes)

        for ext_id, values in list(ad_groups_in.items()):
            if values["campaign_external_id"] not in campaigns:
                quarantine.add(
                    QuarantineKind.AD_GROUP,
                    values | {"raw": values},
                    f"unknown campaign {values['campaign_external_id']!r}",
                )
                del ad_groups_in[ext_id]
        ad_groups = _upsert(
            AdGroup,
            existing_ad_groups,
            ad_groups_in,
            ["name", "status", "bid", "quality_score"],
            lambda ext_id, v: AdGroup(
                campaign=campaigns[v["campaign_external_id"]],
                external_id=ext_id,
                name=v["name"],
                status=v["status"],
                bid=v["bid"],
                quality_score=v["quality_score"],
            ),
            actor,
            row="ad_group",
            own_writes=own_writes,
        )
        _upsert(
            Audience,
            existing_audiences,
            audiences_in,
            ["name", "status", "intent_score", "fatigue_score", "estimated_profiles"],
            lambda ext_id, v: Audience(
                account=account,
                external_id=ext_id,
                **{
                    k: v[k]
                    for k in (
                        "name",
                        "status",
                        "intent_score",
                        "fatigue_score",
                        "estimated_profiles",
                    )
                },
            ),
            actor,
            row="audience",
            own_writes=own_writes,
        )
    run.fields_kept = len(own_writes.kept)
    own_writes.log(account)
    return ad_groups


def _follow_platform_status(campaigns: dict, incoming: dict, actor, own_writes) -> None:
    """A campaign paused or resumed on the platform itself is paused/resumed here too.

    Not while a pause or resume is on its way through the pipeline, nor when the read
    still shows the status from before one Spectra just wrote: the platform's answer to
    that write, not a read taken before it landed (or an out-of-date read right after),
    decides the campaign's status then.
    """
    for ext_id, values in incoming.items():
        campaign = campaigns[ext_id]
        pauses = values["status"] == "paused" and campaign.status in (
            CampaignStatus.ACTIVE,
            CampaignStatus.OPTIMIZING,
        )
        resumes = values["status"] == "active" and campaign.status == CampaignStatus.PAUSED
        if not (pauses or resumes) or own_writes.keeps(
            "campaign", campaign, "status", values["status"]
        ):
            continue
        if pauses:
            campaign_transition(
                campaign=campaign,
                transition="pause",
                actor=actor,
                reason="Paused on the platform (seen by sync)",
            )
        else:
            campaign_transition(
                campaign=campaign,
                transition="resume",
                actor=actor,
                reason="Active on the platform (seen by sync)",
            )


def _sync_metrics(account, client, quarantine, ad_groups, date_from, date_to, run) -> None:
    by_external = {ext_id: (g.pk, g.campaign_id) for ext_id, g in ad_groups.items()}
    existing = {
        (row[0], row[1]): row[2:]
        for row in DailyMetric.objects.filter(
            campaign__account=account, date__range=(date_from, date_to)
        ).values_list("ad_group_id", "date", *METRIC_FIELDS)
    }
    seen: set[tuple[int, date]] = set()
    batch: list[tuple] = []
    now = timezone.now()

    for record in client.performance(date_from, date_to):
        try:
            values = clean_metric(record, date_from=date_from, date_to=date_to)
        except BadRow as exc:
            quarantine.add(QuarantineKind.METRIC, record, str(exc))
            continue
        ids = by_external.get(values["ad_group_external_id"])
        if ids is None:
            quarantine.add(
                QuarantineKind.METRIC,
                record,
                f"unknown ad group {values['ad_group_external_id']!r}",
            )
            continue
        key = (ids[0], values["date"])
        if key in seen:
            quarantine.add(
                QuarantineKind.METRIC,
                record,
                f"duplicate row for ad group {values['ad_group_external_id']!r} "
                f"on {values['date']}",
            )
            continue
        seen.add(key)
        measured = tuple(values[f] for f in METRIC_FIELDS)
        before = existing.get(key)
        if before == measured:
            continue
        if before is None:
            run.metrics_created += 1
        else:
            run.metrics_updated += 1
        batch.append((ids[0], ids[1], values["date"], *measured, now))
        if len(batch) >= METRIC_BATCH:
            upsert_metrics(batch)
            batch = []
    upsert_metrics(batch)


def _refresh_spend_to_date(account) -> None:
    """One UPDATE: each campaign's spend to date is the sum of its synced daily spend.

    Spend counters are excluded from history, so a plain UPDATE loses nothing.
    (Loading campaigns with .only() would cost a query per row: the FSM
    concurrency mixin reads `status` on every instance.)
    """
    totals = (
        DailyMetric.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("spend"))
        .values("total")
    )
    Campaign.objects.filter(account=account).update(
        spend_to_date=Coalesce(Subquery(totals), Value(Decimal("0")), output_field=DecimalField())
    )


def sync_account(
    *, account: AdAccount, date_from: date, date_to: date, actor=None, client=None
) -> SyncRun:
    """Read campaigns, ad groups, audiences and daily metrics for a window; upsert them.

    Returns the SyncRun with its counts. A platform failure marks the run
    FAILED with the error in words and re-raises, so the caller (task chain)
    can alert; rows already written stay (every write is an idempotent upsert).
    """
    if date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}.")
    actor = actor or system_user()
    run = SyncRun.objects.create(account=account, date_from=date_from, date_to=date_to)
    quarantine = Quarantine(account)
    try:
        client = client or client_for(account)
        ad_groups = _sync_structure(account, client, quarantine, actor, run)
        _sync_metrics(account, client, quarantine, ad_groups, date_from, date_to, run)
        if account.platform == Platform.GOOGLE_ADS:  # Adobe has no search-terms report
            sync_search_terms(
                account=account,
                client=client,
                ad_groups=ad_groups,
                date_from=date_from,
                date_to=date_to,
                quarantine=quarantine,
            )
        _refresh_spend_to_date(account)
    except PlatformError as exc:
        run.rows_quarantined = quarantine.flush()
        # Viewers see this: the platform's words bounded and redacted, never its raw body.
        run.status, run.error = SyncStatus.FAILED, error_summary(exc)
        run.finished_at = timezone.now()
        run.save()
        raise
    run.rows_quarantined = quarantine.flush()
    run.status, run.finished_at = SyncStatus.SUCCEEDED, timezone.now()
    run.save()
    AdAccount.objects.filter(pk=account.pk).update(last_synced_at=run.finished_at)
    return run
