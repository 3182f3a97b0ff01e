"""Services that move a launch: a brief becomes a campaign that walks
DRAFT → GENERATING_ASSETS → PENDING_DEPLOYMENT → DEPLOYING → ACTIVE.

Each state is entered by the service that starts its work. The work itself is
done by other apps and handed over as state: `creative` generates the assets
(strategy, copy, images, brand safety), `executors` creates them on the
platform; `spectra.launch` runs those steps as tasks. The services here only
check who may do what, move the state machine, and queue the next step by
name once the transaction commits.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.account_time import account_today
from campaigns.auth import authorize
from campaigns.models import (
    Ad,
    AdAccount,
    AdGroup,
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    Brief,
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Keyword,
    Objective,
    Verdict,
)
from campaigns.money import minor_unit, money
from campaigns.selectors import policy_for_account
from campaigns.services.errors import ServiceError
from campaigns.services.history import apply_transition, copy_to_history, save_with_history

S = CampaignStatus
MAX_LIST = 20  # locations, languages, selling points
MAX_DAYS_AHEAD = 366 * 2  # a start or end further out is a typo, not a plan
# What a responsive search ad needs at the least (Google: 3 headlines, 2 descriptions).
MIN_DEPLOYABLE = {AssetKind.HEADLINE: 3, AssetKind.DESCRIPTION: 2}

BRIEF_FIELDS = (
    "objective",
    "start_date",
    "end_date",
    "locations",
    "languages",
    "product",
    "landing_url",
    "selling_points",
    "prices",
    "audience_notes",
    "brand_notes",
    "excluded_terms",
)


DEPLOY_TASK = "spectra.launch.deploy_task"
GENERATE_TASK = "spectra.launch.generate_task"
FIRST_STEP = {GENERATE_TASK: "strategy", DEPLOY_TASK: "deploy"}


def _queue(task: str, campaign: Campaign, what: str) -> None:
    """Queue the task once the transaction commits, and note its step on the brief in the
    same transaction: if the queued task is lost (a worker killed, a broker emptied),
    the resume sweep finds the step due and queues it again."""
    Brief.objects.filter(campaign=campaign).update(
        step=FIRST_STEP[task], step_attempts=0, step_due_at=timezone.now(), step_error=""
    )
    transaction.on_commit(
        lambda: async_task(task, campaign.pk, task_name=f"{what} · campaign {campaign.pk}"),
        robust=True,
    )


def _clear_step(campaign: Campaign) -> None:
    """The launch left generation or deployment: no task has anything left to run."""
    Brief.objects.filter(campaign=campaign).update(step="", step_attempts=0, step_due_at=None)


def _delete_with_history(rows, *, actor, reason: str) -> None:
    # One by one, so each history row names who and why (a queryset delete cannot).
    for row in rows:
        row._history_user, row._change_reason = actor, reason
        row.delete()


def _stored_name(url: str) -> str | None:
    prefix = default_storage.url("")
    return url[len(prefix) :] if url and url.startswith(prefix) else None


def _clear_earlier_attempt(campaign: Campaign, *, actor) -> None:
    """What an earlier attempt generated and never put on the platform goes, so the
    steps (which keep what exists) start clean instead of resuming a failed plan."""
    reason = "Launch restarted: the earlier attempt's assets are removed"
    assets = list(Asset.objects.filter(campaign=campaign, ad__external_id=""))
    files = {name for a in assets if (name := _stored_name(a.image_url))}
    _delete_with_history(assets, actor=actor, reason=reason)
    _delete_with_history(
        Ad.objects.filter(campaign=campaign, external_id=""), actor=actor, reason=reason
    )
    _delete_with_history(
        Keyword.objects.filter(campaign=campaign, external_id=""), actor=actor, reason=reason
    )
    _delete_with_history(
        AdGroup.objects.filter(campaign=campaign, external_id=""), actor=actor, reason=reason
    )
    if files:
        # After the commit: a rolled-back restart must keep the files its rows name.
        transaction.on_commit(lambda: [default_storage.delete(n) for n in sorted(files)])


# --- the brief -----------------------------------------------------------------


# The campaign column each amount of a brief is stored in: its digits bound the amount.
AMOUNT_COLUMNS = {
    "daily_budget": "daily_budget",
    "total_budget": "total_spend_limit",
    "target_cpa": "target_cpa",
}


def _fits(amount: Decimal, column: str) -> bool:
    """Whether `amount` has no more whole digits than its campaign column holds (a
    target CPA of 10^10 would overflow numeric(12, 2) on PostgreSQL)."""
    field = Campaign._meta.get_field(column)
    # adjusted(): the exponent of the leading digit, read without arithmetic (which
    # overflows the decimal context on "1e999999999").
    return amount.adjusted() < field.max_digits - field.decimal_places


def _amount(value, field: str, errors: dict, currency: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append("Enter an amount, e.g. 5000 or 5000.50.")
        return None
    if not amount.is_finite() or amount <= 0:
        errors.setdefault(field, []).append("Must be more than zero.")
        return None
    # Size first: the step check's arithmetic on "1e999999999" raises instead of answering.
    if not _fits(amount, AMOUNT_COLUMNS[field]):
        errors.setdefault(field, []).append("Too large.")
        return None
    unit = minor_unit(currency)
    if amount % unit:
        errors.setdefault(field, []).append(
            f"{currency} amounts are in steps of {unit}: {amount} is not."
        )
    return amount


def _strings(value, field: str, errors: dict, *, required: bool, limit: int = 80) -> list:
    if value in (None, ""):
        value = []
    if isinstance(value, str):
        value = [part.strip() for part in value.replace("\n", ",").split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(field, []).append("Give a list of words or phrases.")
        return []
    items = [v.strip() for v in value if v.strip()]
    if required and not items:
        errors.setdefault(field, []).append("Give at least one.")
    if len(items) > MAX_LIST:
        errors.setdefault(field, []).append(f"At most {MAX_LIST}.")
    for item in items:
        if len(item) > limit:
            errors.setdefault(field, []).append(f"“{item[:20]}…” is over {limit} characters.")
    return items


def brief_validate(*, account: AdAccount, data: dict, campaign: Campaign | None = None) -> dict:
    """The brief's values, cleaned, or ValidationError with a message per field.

    `data` has the campaign's `name`, `daily_budget`, `total_budget`, `target_cpa`,
    `target_roas` and the brief's fields. Nothing is written.
    """
    errors: dict[str, list[str]] = {}
    policy = policy_for_account(account)
    currency = account.currency

    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = ["Give the campaign a name."]
    elif len(name) > 255:
        errors["name"] = ["At most 255 characters."]
    else:
        clash = account.campaigns.filter(name=name).exclude(status=S.ARCHIVED)
        if campaign is not None:
            clash = clash.exclude(pk=campaign.pk)
        if clash.exists():  # platforms find a launch's campaign by its name
            errors["name"] = ["The account already has a campaign of this name."]

    daily = _amount(data.get("daily_budget"), "daily_budget", errors, currency)
    if daily is None and "daily_budget" not in errors:
        errors["daily_budget"] = ["A daily budget is required."]
    if daily is not None:
        if daily < policy.budget_floor:
            errors.setdefault("daily_budget", []).append(
                f"Below the floor of {money(policy.budget_floor, currency)} a day."
            )
        if policy.max_launch_daily_budget and daily > policy.max_launch_daily_budget:
            errors.setdefault("daily_budget", []).append(
                f"Above the organization's limit of "
                f"{money(policy.max_launch_daily_budget, currency)} a day for a launch."
            )
    total = _amount(data.get("total_budget"), "total_budget", errors, currency)
    if total is not None and daily is not None and total < daily:
        errors.setdefault("total_budget", []).append("Less than one day's budget.")

    objective = data.get("objective")
    target_cpa = _amount(data.get("target_cpa"), "target_cpa", errors, currency)
    target_roas = None
    if data.get("target_roas") not in (None, ""):
        try:
            target_roas = Decimal(str(data["target_roas"]))
            if not target_roas.is_finite() or not Decimal("0.01") <= target_roas <= 1000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["target_roas"] = ["A return on ad spend between 0.01 and 1000, e.g. 4.5."]
            target_roas = None
    if objective not in Objective.values:
        errors["objective"] = [f"One of: {', '.join(Objective.values)}."]
    elif objective == Objective.CONVERSIONS and target_cpa is None and "target_cpa" not in errors:
        errors.setdefault("target_cpa", []).append("Conversions need a target cost per action.")
    elif objective == Objective.VALUE and target_roas is None:
        errors.setdefault("target_roas", []).append("Conversion value needs a target ROAS.")

    today = account_today(account)
    start, end = data.get("start_date"), data.get("end_date") or None
    for field, value in (("start_date", start), ("end_date", end)):
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                errors[field] = ["A date, e.g. 2026-12-24."]
                continue
        if not isinstance(value, datetime.date):
            errors[field] = ["A date, e.g. 2026-12-24."]
            continue
        if (value - today).days > MAX_DAYS_AHEAD:
            errors[field] = ["More than two years ahead."]
        if field == "start_date":
            start = value
        else:
            end = value
    if start is None:
        errors.setdefault("start_date", ["A start date is required."])
    elif "start_date" not in errors:
        if start < today and (campaign is None or start != campaign.brief.start_date):
            errors["start_date"] = [f"In the past: the account's today is {today}."]
        if end is not None and "end_date" not in errors and end < start:
            errors["end_date"] = ["Before the start date."]

    landing_url = (data.get("landing_url") or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(landing_url)
        if len(landing_url) > 2000:
            raise ValidationError("too long")
    except ValidationError:
        errors["landing_url"] = ["A web address people land on, e.g. https://example.com/offer."]

    product = (data.get("product") or "").strip()
    if not product:
        errors["product"] = ["Say what is offered."]
    elif len(product) > 200:
        errors["product"] = ["At most 200 characters."]

    cleaned = {
        "name": name,
        "daily_budget": daily,
        "total_budget": total,
        "target_cpa": target_cpa if objective == Objective.CONVERSIONS else None,
        "target_roas": target_roas if objective == Objective.VALUE else None,
        "objective": objective,
        "start_date": start,
        "end_date": end,
        "locations": _strings(data.get("locations"), "locations", errors, required=True),
        "languages": _strings(data.get("languages"), "languages", errors, required=True, limit=8),
        "selling_points": _strings(
            data.get("selling_points"), "selling_points", errors, required=True
        ),
        "product": product,
        "landing_url": landing_url,
        "excluded_terms": _strings(
            data.get("excluded_terms"), "excluded_terms", errors, required=False
        ),
    }
    for field, limit in (("prices", 300), ("audience_notes", 4000), ("brand_notes", 4000)):
        text = data.get(field) or ""
        if not isinstance(text, str):
            errors[field] = ["Text."]
        elif len(text) > limit:
            errors[field] = [f"At most {limit} characters."]
        cleaned[field] = text.strip() if isinstance(text, str) else ""
    for field, values in errors.items():
        errors[field] = list(dict.fromkeys(values))
    if errors:
        raise ValidationError(errors)
    return cleaned


def brief_create(*, account: AdAccount, data: dict, actor) -> Campaign:
    """A DRAFT campaign with its brief, or ValidationError and nothing created."""
    authorize(actor, "campaigns.add_brief", account)
    cleaned = brief_validate(account=account, data=data)
    with transaction.atomic():
        campaign = Campaign(
            account=account,
            external_id="",
            name=cleaned["name"],
            daily_budget=cleaned["daily_budget"],
            total_spend_limit=cleaned["total_budget"],
            target_cpa=cleaned["target_cpa"],
            target_roas=cleaned["target_roas"],
        )
        save_with_history(campaign, actor=actor, reason=f"Brief written by {actor}")
        brief = Brief(
            campaign=campaign,
            created_by=actor if getattr(actor, "pk", None) else None,
            **{f: cleaned[f] for f in BRIEF_FIELDS},
        )
        save_with_history(brief, actor=actor, reason=f"Brief written by {actor}")
    return campaign


def brief_update(*, campaign: Campaign, data: dict, actor) -> Campaign:
    """Change a draft's brief; a brief that is being worked on cannot change under it."""
    authorize(actor, "campaigns.change_brief", campaign)
    if campaign.status != S.DRAFT:
        raise ServiceError("Only a draft's brief can be changed; send it back to draft first.")
    cleaned = brief_validate(account=campaign.account, data=data, campaign=campaign)
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        current.name = cleaned["name"]
        current.daily_budget = cleaned["daily_budget"]
        current.total_spend_limit = cleaned["total_budget"]
        current.target_cpa, current.target_roas = cleaned["target_cpa"], cleaned["target_roas"]
        save_with_history(current, actor=actor, reason=f"Brief changed by {actor}")
        brief = current.brief
        for field in BRIEF_FIELDS:
            setattr(brief, field, cleaned[field])
        save_with_history(brief, actor=actor, reason=f"Brief changed by {actor}")
    return current


# --- the state machine of a launch ----------------------------------------------------


def _move(campaign: Campaign, transition: str, *, actor, reason: str) -> Campaign:
    current = Campaign.objects.select_for_update().select_related("account").get(pk=campaign.pk)
    apply_transition(current, transition)
    save_with_history(current, actor=actor, reason=reason)
    return current


def launch_generate(*, campaign: Campaign, actor) -> Campaign:
    """DRAFT → GENERATING_ASSETS, and the generation chain is queued."""
    authorize(actor, "campaigns.change_brief", campaign)
    with transaction.atomic():
        current = _move(
            campaign,
            "start_asset_generation",
            actor=actor,
            reason=f"Asset generation started by {actor}",
        )
        if not Brief.objects.filter(campaign=current).update(failure_reason=""):
            raise ServiceError("This campaign has no brief to generate assets from.")
        _clear_earlier_attempt(current, actor=actor)
        _queue(GENERATE_TASK, current, "generate assets")
    return current


def launch_assets_ready(*, campaign: Campaign, actor, flags: list[str]) -> Campaign:
    """GENERATING_ASSETS → PENDING_DEPLOYMENT once every asset has a verdict.

    Where the organization lets launches go without a person and nothing needs one
    (no fallback, no image missing, nothing uncertain), the launch is approved too.
    """
    with transaction.atomic():
        current = _move(
            campaign, "mark_assets_ready", actor=actor, reason="Assets generated and checked"
        )
        _clear_step(current)
        brief = Brief.objects.select_for_update().get(campaign=current)
        brief.review_flags = list(dict.fromkeys(flags))
        save_with_history(brief, actor=actor, reason="Assets generated and checked")
        policy = policy_for_account(current.account)
        if not policy.launch_requires_approval and not brief.review_flags:
            problems = launch_problems(current)
            if not problems:
                return _approve(current, brief, actor=actor, reason="Approved by policy")
    return current


def launch_fail(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """GENERATING_ASSETS / DEPLOYING → FAILED, saying why."""
    with transaction.atomic():
        current = _move(campaign, "fail", actor=actor, reason=f"Launch failed: {reason}")
        Brief.objects.filter(campaign=current).update(failure_reason=reason[:4000])
        _clear_step(current)
    return current


def launch_reset(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """FAILED → DRAFT by a person, who can then change the brief and try again."""
    authorize(actor, "campaigns.change_brief", campaign)
    if not reason.strip():
        raise ServiceError("Say why the launch goes back to draft.")
    with transaction.atomic():
        return _move(campaign, "reset_to_draft", actor=actor, reason=f"Back to draft: {reason}")


def launch_problems(campaign: Campaign) -> list[str]:
    """Why the launch cannot be approved now, in words; empty when it can.

    Nothing unsafe or unchecked is deployable, an uncertain asset needs a person's
    approval, and every ad must keep what the platform needs after rejections.
    """
    problems = []
    if campaign.account.execution_mode == ExecutionMode.READ_ONLY:
        problems.append("The account is read-only: Spectra creates nothing on it.")
    ads = list(campaign.ads.select_related("ad_group").prefetch_related("assets"))
    if not ads:
        problems.append("No ads were generated.")
    for ad in ads:
        assets = list(ad.assets.all())
        for asset in assets:
            if asset.review == AssetReview.REJECTED:
                continue
            if asset.verdict == Verdict.PENDING:
                problems.append(f"{ad.ad_group.name}: “{asset}” has not been checked yet.")
            elif asset.verdict == Verdict.UNSAFE:
                problems.append(
                    f"{ad.ad_group.name}: “{asset}” is unsafe; edit or reject it "
                    f"({'; '.join(asset.verdict_reasons) or 'no reason given'})."
                )
            elif asset.verdict == Verdict.UNCERTAIN and asset.review != AssetReview.APPROVED:
                problems.append(f"{ad.ad_group.name}: “{asset}” is uncertain; a person decides.")
        if ad.kind == AdKind.RESPONSIVE_SEARCH:
            for kind, least in MIN_DEPLOYABLE.items():
                have = sum(a.kind == kind and a.deployable for a in assets)
                if have < least:
                    problems.append(
                        f"{ad.ad_group.name}: {have} usable {kind}s; the ad needs {least}."
                    )
    return problems


def _approve(current: Campaign, brief: Brief, *, actor, reason: str) -> Campaign:
    now = timezone.now()
    safe = Asset.objects.filter(campaign=current, review=AssetReview.PROPOSED, verdict=Verdict.SAFE)
    ids = list(safe.values_list("pk", flat=True))
    Asset.objects.filter(pk__in=ids).update(review=AssetReview.APPROVED, updated_at=now)
    copy_to_history(Asset, ids, actor=actor, when=now, reason=reason)
    brief.approved_by = actor if getattr(actor, "pk", None) else None
    brief.approved_at = now
    save_with_history(brief, actor=actor, reason=reason)
    current = _move(current, "start_deployment", actor=actor, reason=reason)
    _queue(DEPLOY_TASK, current, "deploy")
    return current


def launch_approve(*, campaign: Campaign, actor, note: str = "") -> Campaign:
    """PENDING_DEPLOYMENT → DEPLOYING by an approver; refused while anything is unsafe."""
    authorize(actor, "campaigns.approve_launch", campaign)
    with transaction.atomic():
        current = Campaign.objects.select_for_update().select_related("account").get(pk=campaign.pk)
        if current.status != S.PENDING_DEPLOYMENT:
            apply_transition(current, "start_deployment")  # raises, naming the state
        problems = launch_problems(current)
        if problems:
            raise ServiceError("The launch cannot be approved: " + " ".join(problems))
        brief = Brief.objects.select_for_update().get(campaign=current)
        reason = f"Launch approved by {actor}" + (f": {note.strip()}" if note.strip() else "")
        return _approve(current, brief, actor=actor, reason=reason)


def launch_deployed(*, campaign: Campaign, actor) -> Campaign:
    """DEPLOYING → ACTIVE once the platform has confirmed every object."""
    with transaction.atomic():
        current = _move(
            campaign, "mark_deployed", actor=actor, reason="Deployed: the platform confirmed it"
        )
        _clear_step(current)
        return current


def launch_simulated(*, campaign: Campaign, actor) -> Campaign:
    """DEPLOYING → PENDING_DEPLOYMENT on a dry-run account: nothing was created."""
    with transaction.atomic():
        current = _move(
            campaign,
            "mark_deployment_simulated",
            actor=actor,
            reason="Dry run: the requests were logged, nothing was created",
        )
        _clear_step(current)
        return current
