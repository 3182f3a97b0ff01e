"""`manage.py optimize --account ID [--dry-run]` — what Spectra would change, and why."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.guardrails import limits_of
from campaigns.models import AdAccount
from campaigns.selectors import policy_for_account
from optimizer.load import load_account_inputs
from optimizer.money import currency_symbol
from optimizer.pipeline import plan_account
from optimizer.services import optimize_account


class Command(BaseCommand):
    help = "Optimise one account: propose budget, bid and audience changes with reasons."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, required=True, help="AdAccount id")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the plan without storing any recommendation.",
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="The account's 'today' (default: now in its time zone).",
        )

    def handle(self, *args, **opts):
        try:
            account = AdAccount.objects.get(pk=opts["account"])
        except AdAccount.DoesNotExist:
            raise CommandError(f"No ad account with id {opts['account']}.") from None
        now = timezone.now()
        as_of = opts["as_of"] or account_today(account, now)
        symbol = currency_symbol(account.currency)
        if opts["dry_run"]:
            limits = limits_of(policy_for_account(account))
            inputs = load_account_inputs(
                account, as_of=as_of, now=now, limits=limits, currency_symbol=symbol
            )
            plan = plan_account(inputs, limits=limits, autonomy=account.autonomy)
            rows = [
                (
                    p.kind,
                    _target(inputs, p),
                    p.current,
                    p.proposed,
                    p.risk,
                    p.requires_approval,
                    p.reason,
                )
                for p in plan.proposals
            ]
            notes, holds = plan.notes, len(plan.holds)
            self.stdout.write(self.style.WARNING("Dry run: nothing stored."))
        else:
            run = optimize_account(account=account, as_of=as_of, now=now)
            recs = run.recommendations.select_related("campaign", "ad_group", "audience")
            rows = [
                (
                    r.kind,
                    str(r.ad_group or r.audience or r.campaign),
                    r.current_value,
                    r.proposed_value,
                    r.risk,
                    r.requires_approval,
                    r.reason,
                )
                for r in recs
            ]
            notes, holds = run.summary.get("notes", []), run.held
            self.stdout.write(f"Optimisation run #{run.pk} ({run.status}) as of {run.as_of}")
        self._table(rows)
        self.stdout.write(f"\n{len(rows)} proposed · {holds} held")
        for note in notes:
            self.stdout.write(f"  · {note}")

    def _table(self, rows) -> None:
        self.stdout.write(
            f"\n{'kind':<18} {'target':<28} {'current':>12} {'proposed':>12} "
            f"{'risk':<6} {'approval':<8}  reason"
        )
        for kind, target, current, proposed, risk, approval, reason in rows:
            self.stdout.write(
                f"{kind:<18} {target[:28]:<28} {current or '':>12} {proposed or '':>12} "
                f"{risk:<6} {'needed' if approval else 'auto':<8}  {reason}"
            )


def _target(inputs, proposal) -> str:
    if proposal.ad_group_index is not None:
        return f"ad group #{inputs.ad_groups.ids[proposal.ad_group_index]}"
    if proposal.audience_index is not None:
        return f"audience #{inputs.audiences.ids[proposal.audience_index]}"
    return f"campaign #{inputs.campaigns.ids[proposal.campaign_index]}"
