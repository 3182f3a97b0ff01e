"""`{% ops_dashboard %}`: the ops dashboard on the admin index, for the signed-in user.

A tag rather than a custom AdminSite: the admin index keeps Django's view
(app list, permissions) and the dashboard needs only the request's user.
"""

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

from campaigns.admin.charts import bar_chart
from campaigns.admin.display import RECOMMENDATION_STATUS_COLOURS, money
from campaigns.models import CampaignStatus
from campaigns.money import group_digits
from executors.models import BreakerState
from spectra.dashboard import EXECUTION_OUTCOMES
from spectra.dashboard import ops_dashboard as dashboard_for

register = template.Library()

PACING_BARS = 25  # the accounts nearest their limit; the table lists every one
_PACING_COLOURS = ((100, "#dc3545"), (80, "#b35c00"), (0, "#198754"))


@register.filter
def count(value) -> str:
    """A count a person reads at a glance: 100000 → "100,000"."""
    return group_digits(str(int(value)), indian=False) if value is not None else "—"


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:  # an admin that is not registered in this configuration
        return ""


def _pacing_colour(pct: float) -> str:
    return next(colour for floor, colour in _PACING_COLOURS if pct >= floor)


def _execution_links(data) -> dict[str, str]:
    """Each execution tile opens the log filtered to what it counts: its outcome, since
    the day started (the log's declared outcome and created-at filters)."""
    base = _url("admin:executors_executionlog_changelist")
    if not base:
        return {}
    since = data.day_start.isoformat()
    return {
        word: f"{base}?{urlencode({'outcome__exact': outcome, 'created_at__gte': since})}"
        for outcome, word in EXECUTION_OUTCOMES.items()
    }


def _pacing_chart(accounts):
    paced = sorted((a for a in accounts if a.pacing_pct is not None), key=lambda a: -a.pacing_pct)[
        :PACING_BARS
    ]
    return bar_chart(
        [a.name for a in paced],
        [a.pacing_pct for a in paced],
        title="Spend today, % of the daily limit",
        colours=[_pacing_colour(a.pacing_pct) for a in paced],
        limits=[100.0] * len(paced),
        width=520,
    )


def _launch_rows(data) -> list[dict]:
    """Each launch state with its count and the campaigns list filtered to it."""
    base = _url("admin:campaigns_campaign_changelist")
    return [
        {
            "state": state,
            "label": CampaignStatus(state).label.lower(),
            "n": n,
            "link": f"{base}?{urlencode({'status__exact': state})}" if base else "",
        }
        for state, n in data.launches.by_state.items()
    ]


@register.inclusion_tag("admin/spectra/dashboard.html", takes_context=True)
def ops_dashboard(context):
    user = context["request"].user
    data = dashboard_for(user=user)
    execution_links = _execution_links(data)
    rows = [
        {
            "account": a,
            "spend": money(a.spend_today, a.currency),
            "limit": money(a.daily_limit, a.currency) if a.daily_limit else "no limit",
            # The spend the limit covers, when it is not the whole account's.
            "paced_spend": money(a.pacing.spend, a.currency)
            if a.pacing.basis == "campaigns" and a.pacing.spend != a.spend_today
            else "",
            "breaker_open": a.breaker != BreakerState.CLOSED,
        }
        for a in data.accounts
    ]
    return {
        "dashboard": data,
        "accounts": rows,
        # In the accounts' own zone: the date filter would convert it to UTC.
        "day_start": f"{data.day_start:%Y-%m-%d %H:%M} {data.day_start.tzinfo}",
        # Four counts read better as numbers than as bars.
        "executions": [
            (outcome, n, RECOMMENDATION_STATUS_COLOURS[outcome], execution_links.get(outcome, ""))
            for outcome, n in data.executions_today.items()
        ],
        "unpaced": [a.name for a in data.accounts if a.pacing_pct is None],
        "pacing_chart": _pacing_chart(data.accounts),
        "launch_rows": _launch_rows(data),
        "may_launch": user.has_perm("campaigns.add_brief"),
        "breakers_open": data.breakers.get(BreakerState.OPEN, 0),
        "breakers_half_open": data.breakers.get(BreakerState.HALF_OPEN, 0),
        "links": {
            # The queue as people decide in it: one row per reallocation.
            "pending": _url(
                "admin:campaigns_recommendation_changelist",
                "?sets=grouped&status__exact=proposed",
            ),
            "alerts": _url("admin:campaigns_alert_changelist", "?acknowledged=no"),
            "switches": _url("admin:campaigns_executionswitch_changelist"),
            "breakers": _url("admin:executors_circuitbreaker_changelist"),
            "quota": _url("admin:executors_apiquotausage_changelist"),
            "failures": _url("admin:django_q_failure_changelist"),
            "ai_costs": _url("admin:creative_aicall_invoice"),
            "launch": _url("admin:campaigns_campaign_launch"),
            "queue": _url("admin:django_q_ormq_changelist"),
        },
    }
