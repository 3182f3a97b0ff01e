"""Rollback from the console: "Roll back" on an executed recommendation, and
"Roll back to this version" on a campaign's versions page.

Both call campaigns.services.rollback, which creates pre-approved rollback
recommendations; the executor carries them out like any other change.
"""

from django import http
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from campaigns.admin.base import REFUSALS, refusal_message
from campaigns.admin.system_changes import without_system_changes
from campaigns.models import RecommendationStatus
from campaigns.money import money
from campaigns.services.errors import ServiceError
from campaigns.services.rollback import campaign_rollback_to_version, recommendation_rollback
from campaigns.versions import (
    BEFORE_LAUNCH,
    campaign_now,
    campaign_versions,
    version_changes,
)

PERMISSION = "campaigns.rollback_recommendation"


def _reason(request) -> str:
    """A rollback writes to the platform: like a pause, it says why (the same rule)."""
    note = request.POST.get("note", "").strip()
    if not note:
        raise ServiceError("Say why: a rollback changes the campaign on the platform.")
    return note


def _object_or_404(admin, request, object_id):
    obj = admin.get_object(request, unquote(object_id))
    if obj is None or not admin.has_view_permission(request, obj):
        raise http.Http404("Not found.")
    return obj


class RecommendationRollbackMixin:
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_rollback"
        return [
            path(
                "<path:object_id>/rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == RecommendationStatus.EXECUTED:
            context["rollback_allowed"] = request.user.has_perm(PERMISSION, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def rollback_view(self, request, object_id):
        if request.method != "POST":
            return http.HttpResponseNotAllowed(["POST"])
        obj = _object_or_404(self, request, object_id)
        try:
            rollback = recommendation_rollback(
                recommendation=obj, actor=request.user, note=_reason(request)
            )
        except REFUSALS as exc:
            self.message_user(request, f"Roll back: {refusal_message(exc)}", messages.ERROR)
            return redirect(reverse("admin:campaigns_recommendation_change", args=[obj.pk]))
        self.message_user(
            request,
            f"Rollback #{rollback.pk} created and approved; the "
            "executor carries it out on its next round.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:campaigns_recommendation_change", args=[rollback.pk]))


class CampaignVersionsMixin:
    def get_urls(self):
        return [
            path(
                "<path:object_id>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="campaigns_campaign_versions",
            ),
            path(
                "<path:object_id>/versions/<int:history_id>/rollback/",
                self.admin_site.admin_view(self.version_rollback_view),
                name="campaigns_campaign_version_rollback",
            ),
            *super().get_urls(),
        ]

    def versions_view(self, request, object_id):
        campaign = _object_or_404(self, request, object_id)
        versions, toggle = without_system_changes(request, campaign.history.all())
        versions = list(versions.select_related("history_user").order_by("-history_date")[:100])
        currency = campaign.account.currency
        now = campaign_now(campaign)
        states = campaign_versions(campaign, versions)
        for version in versions:
            # What restoring it would change, against the campaign as it is now.
            version.before_launch = version.status in BEFORE_LAUNCH
            version.changes = (
                [] if version.before_launch else version_changes(now, states[version.history_id])
            )
            version.is_system_change = version.history_id in toggle["noise"]
            version.daily_budget_text = money(version.daily_budget, currency)
            version.max_daily_spend_text = money(version.max_daily_spend, currency)
        return TemplateResponse(
            request,
            "admin/campaigns/campaign/versions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": campaign,
                "title": f"Versions of {campaign}",
                "versions": versions,
                "time_zone": campaign.account.time_zone,  # one zone per account
                "may_roll_back": request.user.has_perm(PERMISSION, campaign),
                "system_changes": toggle | {"marked": True},
            },
        )

    def version_rollback_view(self, request, object_id, history_id):
        if request.method != "POST":
            return http.HttpResponseNotAllowed(["POST"])
        campaign = _object_or_404(self, request, object_id)
        if not request.user.has_perm(PERMISSION, campaign):
            raise PermissionDenied
        try:
            recs = campaign_rollback_to_version(
                campaign=campaign,
                history_id=history_id,
                actor=request.user,
                note=_reason(request),
            )
        except REFUSALS as exc:
            self.message_user(request, f"Roll back: {refusal_message(exc)}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"{len(recs)} rollback change(s) created and approved; "
                "the executor carries them out on its next round.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:campaigns_campaign_versions", args=[campaign.pk]))
