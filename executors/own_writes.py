"""The fields a platform read cannot be trusted with yet: those Spectra is writing or has
just written (platforms are eventually consistent).

Right after a write, a read may still answer the value from before it (the sandbox's
`staleReadSeconds` fault plays this). A sync that copied that answer would put the old
budget, bid or status back into Spectra's rows while the platform runs the new one, and
the next change would be proposed and checked against a value that no longer runs.
So, per row and field, a sync leaves alone:

* a field with a change in flight (EXECUTING; for a pause or resume also APPROVED, which
  the pipeline sends at once): the write's answer, recorded by the executor, decides it;
* a field changed by Spectra within the stale window (`executors.pipeline.LEASE`) while
  the platform still shows the value from before that change: a read that has not
  caught up. Any other value is a change made outside Spectra and is copied as usual.

After the window every read is believed again, the old value included: by then it is a
change made on the platform itself.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from campaigns.change_kinds import kind_of
from campaigns.models import AdAccount, Recommendation, RecommendationKind, RecommendationStatus
from executors.pipeline import LEASE

logger = logging.getLogger("spectra.sync")
K = RecommendationKind
R = RecommendationStatus

_SHOWN = 20  # fields named in the log line; the count has them all


@dataclass
class OwnWrites:
    """An account's fields in flight or just written, as a sync compares them."""

    in_flight: set[tuple[str, int, str]] = field(default_factory=set)
    # (row, pk, field) → the values a read may still show from before a recent change
    written_over: dict[tuple[str, int, str], list] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    @classmethod
    def of_account(cls, account: AdAccount, *, now: datetime) -> "OwnWrites":
        """One query. Call it after loading the rows it guards: a change that finishes in
        between is then either seen here or already in the loaded rows."""
        own = cls()
        changes = Recommendation.objects.filter(account=account).filter(
            Q(status=R.EXECUTING)
            | Q(status=R.APPROVED, kind__in=[K.PAUSE, K.RESUME])
            | Q(status__in=[R.EXECUTED, R.ROLLED_BACK], executed_at__gte=now - LEASE)
        )
        for rec in changes.only(
            "kind", "status", "campaign_id", "ad_group_id", "audience_id", "current_value"
        ):
            change = kind_of(rec)  # which row and field of Spectra's the change writes
            key = (change.target, getattr(rec, f"{change.target}_id"), change.field)
            if rec.status in (R.EXECUTING, R.APPROVED):
                own.in_flight.add(key)
            else:
                own.written_over.setdefault(key, []).append(change.expected_before(rec))
        return own

    def keeps(self, row: str, obj, name: str, platform_value) -> bool:
        """Whether the sync must leave `obj.<name>` as Spectra has it (and count it)."""
        key = (row, obj.pk, name)
        if key in self.in_flight or platform_value in self.written_over.get(key, ()):
            self.kept.append(f"{row} {obj.external_id} {name} (platform read {platform_value})")
            return True
        return False

    def log(self, account: AdAccount) -> None:
        if self.kept:
            logger.info(
                "Sync of %s left %d field(s) as Spectra wrote them, its change being in "
                "flight or the platform's read not caught up with it yet: %s",
                account,
                len(self.kept),
                "; ".join(self.kept[:_SHOWN]) + (" …" if len(self.kept) > _SHOWN else ""),
            )
