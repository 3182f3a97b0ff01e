"""Each kind of change Spectra makes, declared once.

What it acts on, what the platform shows before and after it, whether it takes
the campaign lock, and which kind undoes it. The execution pipeline, the
writers, recovery and rollbacks read these instead of each keeping its own
`if rec.kind` ladder; how Spectra's own rows follow an executed change is
`campaigns.services.executed.apply_executed`, keyed the same way.
"""

from dataclasses import dataclass

from campaigns.models import Recommendation, RecommendationKind

K = RecommendationKind


@dataclass(frozen=True)
class ChangeKind:
    kind: str
    target: str  # the recommendation's field naming what is changed
    field: str  # the field of that row the change writes (what a sync must not undo)
    value: str  # "amount" (before/after are the rec's values) or the platform status word
    before: str | None = None  # the status the platform shows before (status kinds)
    after: str | None = None  # … and after
    locks_campaign: bool = False  # one writer at a time per campaign
    inverse: str = ""  # the kind that undoes it
    structure: bool = False  # keywords, ad copy or an ad group's status (executors.structure)

    @property
    def is_amount(self) -> bool:
        return self.value == "amount"

    def expected_before(self, rec: Recommendation):
        """What the platform should show before the change (the basis of the proposal)."""
        return rec.current_value if self.is_amount else self.before

    def expected_after(self, rec: Recommendation):
        """What the platform shows once the change is applied."""
        return rec.proposed_value if self.is_amount else self.after

    def target_of(self, rec: Recommendation):
        return getattr(rec, self.target)

    def external_id(self, rec: Recommendation) -> str:
        return str(self.target_of(rec).external_id)


KINDS: dict[str, ChangeKind] = {
    K.BUDGET: ChangeKind(
        K.BUDGET, "campaign", "daily_budget", "amount", locks_campaign=True, inverse=K.BUDGET
    ),
    K.BID: ChangeKind(K.BID, "ad_group", "bid", "amount", locks_campaign=True, inverse=K.BID),
    # A pause goes through even while another change holds the lock: it stops spending.
    K.PAUSE: ChangeKind(
        K.PAUSE, "campaign", "status", "status", "active", "paused", inverse=K.RESUME
    ),
    K.RESUME: ChangeKind(
        K.RESUME, "campaign", "status", "status", "paused", "active", inverse=K.PAUSE
    ),
    K.AUDIENCE_ACTIVATE: ChangeKind(
        K.AUDIENCE_ACTIVATE,
        "audience",
        "status",
        "status",
        "suppressed",
        "active",
        inverse=K.AUDIENCE_SUPPRESS,
    ),
    K.AUDIENCE_SUPPRESS: ChangeKind(
        K.AUDIENCE_SUPPRESS,
        "audience",
        "status",
        "status",
        "active",
        "suppressed",
        inverse=K.AUDIENCE_ACTIVATE,
    ),
    # Structure and copy: the platform either shows the keyword (or the ad with exactly
    # the copy of rec.structure) or not; `before`/`after` are those two words.
    K.KEYWORD_ADD: ChangeKind(
        K.KEYWORD_ADD,
        "campaign",
        "keywords",
        "status",
        "absent",
        "present",
        inverse=K.KEYWORD_REMOVE,
        structure=True,
    ),
    K.KEYWORD_REMOVE: ChangeKind(
        K.KEYWORD_REMOVE,
        "campaign",
        "keywords",
        "status",
        "present",
        "absent",
        inverse=K.KEYWORD_ADD,
        structure=True,
    ),
    K.AD_REPLACE: ChangeKind(
        K.AD_REPLACE,
        "ad_group",
        "ads",
        "status",
        "absent",
        "present",
        inverse=K.AD_REPLACE,
        structure=True,
    ),
    # An ad group paused or enabled again (a version's ad groups have their status).
    K.AD_GROUP_PAUSE: ChangeKind(
        K.AD_GROUP_PAUSE,
        "ad_group",
        "status",
        "status",
        "active",
        "paused",
        inverse=K.AD_GROUP_RESUME,
        structure=True,
    ),
    K.AD_GROUP_RESUME: ChangeKind(
        K.AD_GROUP_RESUME,
        "ad_group",
        "status",
        "status",
        "paused",
        "active",
        inverse=K.AD_GROUP_PAUSE,
        structure=True,
    ),
    # A search term kept out of a campaign (a campaign-level negative keyword); undone
    # by removing that negative.
    K.NEGATIVE_KEYWORD: ChangeKind(
        K.NEGATIVE_KEYWORD,
        "campaign",
        "keywords",
        "status",
        "absent",
        "present",
        inverse=K.KEYWORD_REMOVE,
        structure=True,
    ),
}
assert set(KINDS) == set(K.values), "every kind of recommendation is declared here"


def kind_of(rec: Recommendation) -> ChangeKind:
    return KINDS[rec.kind]


def inverse_structure(rec: Recommendation) -> dict | None:
    """What the change that undoes `rec` writes: the same keyword, or the ad's copy before."""
    s = rec.structure
    if s is None or rec.kind != K.AD_REPLACE:
        return s
    url, headlines, descriptions = s["was_copy"]
    return s | {
        "assets": s["was"],
        "was": s["assets"],
        "final_url": url,
        "headlines": headlines,
        "descriptions": descriptions,
        "was_copy": [s["final_url"], s["headlines"], s["descriptions"]],
    }
