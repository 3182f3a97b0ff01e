"""The launch review page: the ad as the platform would show it, every asset with its
verdict and review, the strategy in tables, the flags and the generation's cost, and
forms to edit, reject, approve or regenerate one asset and to approve the launch.

The views hang off the AI calls' admin (creative has no admin of campaigns' models);
both are scoped to the person's organizations: another tenant's campaign is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from campaigns.auth import user_can
from campaigns.models import (
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    Campaign,
    CampaignStatus,
    Keyword,
    Verdict,
)
from campaigns.money import money
from campaigns.selectors import scoped
from campaigns.services.errors import ServiceError
from campaigns.services.launches import launch_approve, launch_problems
from creative.launch.images import stored_name
from creative.llm.errors import AIRefused, AIUnavailable
from creative.services.assets import (
    asset_approve,
    asset_edit,
    asset_regenerate,
    asset_reject,
    launch_cost,
)

ASSET_ACTIONS = {
    "edit": lambda asset, data, actor: asset_edit(
        asset=asset, text=data.get("text", ""), actor=actor
    ),
    "reject": lambda asset, data, actor: asset_reject(
        asset=asset, note=data.get("note", ""), actor=actor
    ),
    "approve": lambda asset, data, actor: asset_approve(
        asset=asset, note=data.get("note", ""), actor=actor
    ),
    "regenerate": lambda asset, data, actor: asset_regenerate(
        asset=asset, note=data.get("note", ""), actor=actor
    ),
}
DONE = {
    "edit": "edited and checked again",
    "reject": "rejected",
    "approve": "approved",
    "regenerate": "regenerated and checked",
}
PREVIEW_HEADLINES, PREVIEW_DESCRIPTIONS = 3, 2


def launch_urls(model_admin):
    site = model_admin.admin_site
    review = LaunchReview(model_admin)
    return [
        path(
            "launches/<int:campaign_id>/review/",
            site.admin_view(require_http_methods(["GET", "POST"])(review.review_view)),
            name="creative_launch_review",
        ),
        path(
            "launches/assets/<int:asset_id>/image/",
            site.admin_view(review.image_view),
            name="creative_launch_image",
        ),
    ]


def _shown(asset: Asset) -> bool:
    """In the preview: what would go out, or could once a person agrees."""
    return asset.review != AssetReview.REJECTED and asset.verdict != Verdict.UNSAFE


class LaunchReview:
    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def _campaign(self, request, campaign_id: int) -> Campaign:
        campaigns = scoped(Campaign.objects.select_related("account", "brief"), request.user)
        campaign = get_object_or_404(campaigns, pk=campaign_id)
        if not hasattr(campaign, "brief") or not user_can(
            request.user, "campaigns.view_campaign", campaign
        ):
            raise Http404("No launch of that id.")
        return campaign

    def image_view(self, request, asset_id: int):
        asset = get_object_or_404(
            scoped(Asset.objects.filter(kind=AssetKind.IMAGE), request.user), pk=asset_id
        )
        name = stored_name(asset.image_url)
        if name is None or not default_storage.exists(name):
            raise Http404("The image is not stored here.")
        return FileResponse(default_storage.open(name, "rb"), content_type="image/png")

    def review_view(self, request, campaign_id: int):
        campaign = self._campaign(request, campaign_id)
        if request.method == "POST":
            self._act(request, campaign)
            return HttpResponseRedirect(request.path)
        return TemplateResponse(
            request, "admin/creative/launch_review.html", self._context(request, campaign)
        )

    def _act(self, request, campaign: Campaign) -> None:
        action = request.POST.get("action", "")
        try:
            if action == "approve_launch":
                launch_approve(
                    campaign=campaign, actor=request.user, note=request.POST.get("note", "")
                )
                messages.success(request, "The launch is approved and on its way to the platform.")
                return
            if action not in ASSET_ACTIONS:
                messages.error(request, f"No such action: {action or 'none'}.")
                return
            raw = request.POST.get("asset", "")
            asset = (
                Asset.objects.filter(campaign=campaign, pk=int(raw)).first()
                if raw.isdigit()
                else None
            )
            if asset is None:
                messages.error(request, "That asset is not part of this launch.")
                return
            ASSET_ACTIONS[action](asset, request.POST, request.user)
            messages.success(request, f"“{asset}” {DONE[action]}.")
        except (ServiceError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        except (AIUnavailable, AIRefused) as exc:
            messages.error(request, f"The AI could not answer now: {exc}")

    def _context(self, request, campaign: Campaign) -> dict:
        brief = campaign.brief
        ads = list(
            campaign.ads.select_related("ad_group")
            .prefetch_related("assets")
            .order_by("ad_group_id", "kind")
        )
        ad_rows = []
        for ad in ads:
            assets = list(ad.assets.all())
            heads = [a for a in assets if a.kind == AssetKind.HEADLINE]
            descs = [a for a in assets if a.kind == AssetKind.DESCRIPTION]
            image = next((a for a in assets if a.kind == AssetKind.IMAGE and _shown(a)), None)
            ad_rows.append(
                {
                    "ad": ad,
                    "is_search": ad.kind == AdKind.RESPONSIVE_SEARCH,
                    "preview_headlines": [a.text for a in heads if _shown(a)][:PREVIEW_HEADLINES],
                    "preview_description": " ".join(
                        a.text for a in [d for d in descs if _shown(d)][:PREVIEW_DESCRIPTIONS]
                    ),
                    "image": image,
                    "assets": assets,
                }
            )
        groups = list(campaign.ad_groups.order_by("pk"))
        keywords = list(Keyword.objects.filter(campaign=campaign).select_related("ad_group"))
        in_review = campaign.status == CampaignStatus.PENDING_DEPLOYMENT
        return {
            **self.admin_site.each_context(request),
            "title": f"Review the launch of {campaign.name}",
            "opts": self.model_admin.opts,
            "campaign": campaign,
            "brief": brief,
            "ads": ad_rows,
            "groups": [
                {"group": g, "bid": money(g.bid, campaign.account.currency)} for g in groups
            ],
            "keywords": [k for k in keywords if not k.negative],
            "negatives": [k for k in keywords if k.negative],
            "cost": launch_cost(campaign),
            "in_review": in_review,
            "problems": launch_problems(campaign) if in_review else [],
            "may_change": user_can(request.user, "campaigns.change_asset", campaign),
            "may_approve": user_can(request.user, "campaigns.approve_launch", campaign),
            "history_url": reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        }
