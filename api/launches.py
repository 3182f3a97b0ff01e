"""Launching through the API: briefs and a launch's assets, over the same services as
the console's "Launch a campaign" form and review page.

    POST /briefs/                  a DRAFT campaign from a brief (400 with a message per field)
    POST /briefs/{id}/generate/    start generating its assets
    GET  /briefs/{id}/review/      strategy, ads and assets with verdicts, cost, problems
    POST /assets/{id}/edit|reject|approve|regenerate/
    POST /briefs/{id}/approve/     approvers; 400 naming the problems while any remain
    POST /briefs/{id}/reset/       a failed launch back to draft, saying why
"""

import django_filters as df
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import launch_serializers as ls
from api.errors import LaunchRefused
from api.filters import IdFilter, filterset
from api.serializers import ErrorSerializer, validated_input
from api.viewsets import TenantScopedViewSet
from campaigns.models import Ad, Asset, Brief, CampaignStatus, Keyword
from campaigns.services.errors import ServiceError
from campaigns.services.launches import (
    brief_create,
    launch_approve,
    launch_generate,
    launch_problems,
    launch_reset,
)
from creative.services.assets import (
    asset_approve,
    asset_edit,
    asset_regenerate,
    asset_reject,
    launch_cost,
)

VIEW_BRIEF = {"list": "campaigns.view_brief", "retrieve": "campaigns.view_brief"}

BriefFilter = filterset(
    Brief,
    ids=["campaign"],
    extra={
        "account": IdFilter(field_name="campaign__account_id"),
        "status": df.ChoiceFilter(field_name="campaign__status", choices=CampaignStatus.choices),
    },
)
AssetFilter = filterset(Asset, ids=["campaign", "ad"], fields=["kind", "verdict", "review"])


def _review(brief: Brief) -> dict:
    """The review as data, in a fixed number of queries however many ads and assets."""
    campaign = brief.campaign
    keywords = list(Keyword.objects.filter(campaign=campaign).order_by("ad_group_id", "text"))
    ads = (
        Ad.objects.filter(campaign=campaign)
        .prefetch_related(Prefetch("assets", queryset=Asset.objects.select_related("ad")))
        .order_by("ad_group_id", "kind")
    )
    in_review = campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    return {
        "brief": brief.pk,
        "campaign": campaign.pk,
        "status": campaign.status,
        "ad_groups": [
            {
                "id": group.pk,
                "name": group.name,
                "bid": group.bid,
                "keywords": [k for k in keywords if k.ad_group_id == group.pk and not k.negative],
            }
            for group in campaign.ad_groups.order_by("pk")
        ],
        "negative_keywords": [k for k in keywords if k.negative],
        "audience_suggestions": brief.audience_suggestions,
        "ads": [
            {
                "id": ad.pk,
                "ad_group": ad.ad_group_id,
                "kind": ad.kind,
                "final_url": ad.final_url,
                "assets": list(ad.assets.all()),
            }
            for ad in ads
        ],
        "review_flags": brief.review_flags,
        "text_only": brief.text_only,
        "cost": launch_cost(campaign),
        "problems": launch_problems(campaign) if in_review else [],
    }


BRIEF_ANSWER = {200: ls.BriefSerializer}


@extend_schema_view(
    create=extend_schema(request=ls.BriefCreateSerializer, responses={201: ls.BriefSerializer})
)
class BriefViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Briefs and their launches. Analysts write briefs and start generation; approvers
    approve a reviewed launch; a failed launch goes back to draft with a reason."""

    queryset = Brief.objects.select_related("campaign__account", "approved_by")
    serializer_class = ls.BriefSerializer
    filterset_class = BriefFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    permissions_by_action = VIEW_BRIEF | {
        "create": "campaigns.add_brief",
        "generate": "campaigns.change_brief",
        "review": "campaigns.view_brief",
        "approve": "campaigns.approve_launch",
        "reset": "campaigns.change_brief",
    }

    def _answer(self, brief: Brief, code=status.HTTP_200_OK) -> Response:
        return Response(ls.BriefSerializer(self.get_queryset().get(pk=brief.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = dict(validated_input(ls.BriefCreateSerializer, request))
        account = data.pop("account")
        campaign = brief_create(account=account, data=data, actor=request.user)
        return self._answer(campaign.brief, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BRIEF_ANSWER)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        """Start generating the draft's assets: strategy, copy, images, brand safety
        (409 with the current state when the campaign is not a draft)."""
        brief = self.get_object()
        launch_generate(campaign=brief.campaign, actor=request.user)
        return self._answer(brief)

    @extend_schema(responses=ls.LaunchReviewSerializer)
    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        """The launch as a reviewer sees it: strategy, ads and assets with their verdicts
        and reasons, flags, the AI cost so far, and what stands in the way of approval."""
        return Response(ls.LaunchReviewSerializer(_review(self.get_object())).data)

    @extend_schema(
        request=ls.AssetNoteSerializer,
        responses={**BRIEF_ANSWER, 400: ErrorSerializer},
        description="Approve the reviewed launch for deployment (approvers). Refused with "
        "400 and `problems` (each in words) while anything is unsafe, unchecked or "
        "missing; 409 with the current state when the launch is not waiting for review.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        brief = self.get_object()
        note = validated_input(ls.AssetNoteSerializer, request)["note"]
        try:
            launch_approve(campaign=brief.campaign, actor=request.user, note=note)
        except ServiceError as exc:
            if type(exc) is not ServiceError:  # a state conflict, a permission: as they are
                raise
            raise LaunchRefused(str(exc), problems=launch_problems(brief.campaign)) from exc
        return self._answer(brief)

    @extend_schema(request=ls.ResetSerializer, responses=BRIEF_ANSWER)
    @action(detail=True, methods=["post"])
    def reset(self, request, pk=None):
        """Send a failed launch back to draft, saying why; its brief can then change."""
        brief = self.get_object()
        reason = validated_input(ls.ResetSerializer, request)["reason"]
        launch_reset(campaign=brief.campaign, actor=request.user, reason=reason)
        return self._answer(brief)


ASSET_ANSWER = {200: ls.AssetSerializer, 503: ErrorSerializer}


class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """A launch's assets. While it waits for review, analysts edit (checked for safety
    again), reject (saying why) or regenerate one with a note; approvers pass an
    uncertain one. Nothing unsafe or unchecked can be approved."""

    queryset = Asset.objects.select_related("ad")
    serializer_class = ls.AssetSerializer
    filterset_class = AssetFilter
    ordering = ["id"]
    ordering_fields = ["id", "updated_at"]
    permissions_by_action = {
        "list": "campaigns.view_asset",
        "retrieve": "campaigns.view_asset",
        "edit": "campaigns.change_asset",
        "reject": "campaigns.change_asset",
        "approve": "campaigns.approve_launch",
        "regenerate": "campaigns.change_asset",
    }

    def _answer(self, asset: Asset) -> Response:
        return Response(ls.AssetSerializer(self.get_queryset().get(pk=asset.pk)).data)

    @extend_schema(request=ls.AssetTextSerializer, responses=ASSET_ANSWER)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """Replace the asset's text; it is checked for brand safety at once."""
        text = validated_input(ls.AssetTextSerializer, request)["text"]
        return self._answer(asset_edit(asset=self.get_object(), text=text, actor=request.user))

    @extend_schema(request=ls.AssetNoteSerializer, responses=ASSET_ANSWER)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Keep the asset out of the launch; `note` (why) is required."""
        note = validated_input(ls.AssetNoteSerializer, request)["note"]
        return self._answer(asset_reject(asset=self.get_object(), note=note, actor=request.user))

    @extend_schema(request=ls.AssetNoteSerializer, responses=ASSET_ANSWER)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Pass an asset (an uncertain one needs a person); never an unsafe one."""
        note = validated_input(ls.AssetNoteSerializer, request)["note"]
        return self._answer(asset_approve(asset=self.get_object(), note=note, actor=request.user))

    @extend_schema(request=ls.AssetNoteSerializer, responses=ASSET_ANSWER)
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        """A new generation for this asset, told the note (503 when the AI cannot answer)."""
        note = validated_input(ls.AssetNoteSerializer, request)["note"]
        asset = asset_regenerate(asset=self.get_object(), note=note, actor=request.user)
        return self._answer(asset)
