"""Launching from the console: the "Launch a campaign" form, the brief's edit form, and
the launch panel on a launched campaign's page (its state, why it failed, the review
link and the "Generate assets" button).

The forms only carry text: `brief_validate` (through brief_create / brief_update) is
the one judge of a brief, and its messages are shown beside the fields they are about.
The state buttons go through the campaign admin's transition view, which hands
"Generate assets" and "Back to draft" to the launch services here.
"""

from django import forms, http
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse

from campaigns.account_time import account_time
from campaigns.admin.base import REFUSALS, org_ids_allowing, refusal_message, restrict_choices
from campaigns.admin.transitions import TransitionTaken
from campaigns.models import AdAccount, Brief, CampaignStatus, Objective
from campaigns.services.launches import brief_create, brief_update, launch_generate, launch_reset

S = CampaignStatus
ADD_BRIEF, CHANGE_BRIEF = "campaigns.add_brief", "campaigns.change_brief"
# Transitions of a launch: the launch services do their work, not only the state's move.
LAUNCH_TRANSITIONS = {"start_asset_generation", "reset_to_draft"}
GENERATING = (
    "Generating assets: the strategy, the ad copy, the images and the brand-safety checks "
    "run in the background. This page says when the launch is ready for review."
)
# States a launch's assets exist in, so the review page has something to show.
BRIEF_GROUPS = [
    ("Where and what for", ["account", "name", "objective", "target_cpa", "target_roas"]),
    ("Budget and dates", ["daily_budget", "total_budget", "start_date", "end_date"]),
    ("Who sees it", ["locations", "languages", "audience_notes"]),
    (
        "The offer",
        ["product", "landing_url", "selling_points", "prices", "brand_notes", "excluded_terms"],
    ),
]
REVIEWABLE = {S.PENDING_DEPLOYMENT, S.DEPLOYING, S.ACTIVE, S.PAUSED, S.OPTIMIZING, S.FAILED}


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, account):
        # The platform comes from the account: say which it is where the account is chosen.
        return f"{account.name} · {account.get_platform_display()} · {account.currency}"


def _words(value) -> str:
    return ", ".join(value or [])


class BriefForm(forms.Form):
    """The brief as a person types it. Everything but the account is checked by the
    launch service, whose messages land beside these fields (same names)."""

    account = AccountChoiceField(queryset=AdAccount.objects.none(), empty_label="Choose…")
    name = forms.CharField(
        required=False, max_length=255, help_text="How the campaign is named on the platform."
    )
    objective = forms.ChoiceField(
        required=False, choices=[("", "Choose…"), *Objective.choices], initial=""
    )
    target_cpa = forms.CharField(
        required=False,
        label="Target CPA",
        help_text="For conversions: the cost per action to aim for, in the account's currency.",
    )
    target_roas = forms.CharField(
        required=False,
        label="Target ROAS",
        help_text="For conversion value: the return on ad spend to aim for, e.g. 4.5.",
    )
    daily_budget = forms.CharField(required=False, help_text="In the account's currency.")
    total_budget = forms.CharField(
        required=False, help_text="Optional: the most the campaign may spend in all."
    )
    start_date = forms.CharField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="On the account's calendar.",
    )
    end_date = forms.CharField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the campaign runs until it is paused.",
    )
    locations = forms.CharField(
        required=False, help_text="Countries or regions, separated by commas: GB, Manchester."
    )
    languages = forms.CharField(
        required=False, help_text="Language codes, separated by commas: en, hi."
    )
    product = forms.CharField(required=False, max_length=200, help_text="What is offered.")
    landing_url = forms.CharField(
        required=False, label="Landing URL", help_text="Where the ads send people."
    )
    selling_points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="One a line: what makes the offer worth clicking.",
    )
    prices = forms.CharField(required=False, max_length=300, help_text="e.g. £89, was £120.")
    audience_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
    brand_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Rules for this launch on top of the organization's brand rules.",
    )
    excluded_terms = forms.CharField(
        required=False,
        help_text="Words the offer excludes, separated by commas: free, jobs. Search terms "
        "with them are proposed as negative keywords.",
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = AdAccount.objects.filter(is_active=True).select_related("organization")
        # Only accounts of organizations where this person may write a brief.
        self.fields["account"].queryset = restrict_choices(
            accounts, org_ids_allowing(user, ADD_BRIEF)
        ).order_by("organization__name", "name")
        if campaign is not None:  # an existing brief stays on its account
            del self.fields["account"]

    @classmethod
    def initial_of(cls, campaign) -> dict:
        brief = campaign.brief
        return {
            "name": campaign.name,
            "objective": brief.objective,
            "target_cpa": campaign.target_cpa or "",
            "target_roas": campaign.target_roas or "",
            "daily_budget": campaign.daily_budget,
            "total_budget": campaign.total_spend_limit or "",
            "start_date": brief.start_date.isoformat(),
            "end_date": brief.end_date.isoformat() if brief.end_date else "",
            "locations": _words(brief.locations),
            "languages": _words(brief.languages),
            "product": brief.product,
            "landing_url": brief.landing_url,
            "selling_points": "\n".join(brief.selling_points or []),
            "prices": brief.prices,
            "audience_notes": brief.audience_notes,
            "brand_notes": brief.brand_notes,
            "excluded_terms": _words(brief.excluded_terms),
        }

    def brief_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "account"}

    def show_refusal(self, exc: ValidationError) -> None:
        """The service's messages, each beside its field."""
        for field, messages_ in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages_)


def review_url(campaign) -> str:
    try:
        return reverse("admin:creative_launch_review", args=[campaign.pk])
    except NoReverseMatch:  # the creative admin is not installed in this configuration
        return ""


def launch_panel(request, campaign) -> dict | None:
    """What the campaign page shows of its launch; None for a campaign without a brief."""
    try:
        brief = campaign.brief
    except Brief.DoesNotExist:
        return None
    state = campaign.status
    may_change = request.user.has_perm(CHANGE_BRIEF, campaign)
    return {
        "brief": brief,
        "approved_at": account_time(campaign.account, brief.approved_at)
        if brief.approved_at
        else None,
        "state": state,
        "generating": state == S.GENERATING_ASSETS,
        "in_review": state == S.PENDING_DEPLOYMENT,
        "failed": state == S.FAILED,
        "may_generate": state == S.DRAFT
        and may_change
        and request.user.has_perm("campaigns.transition_campaign", campaign),
        "edit_url": reverse("admin:campaigns_campaign_brief", args=[campaign.pk])
        if state == S.DRAFT and may_change
        else "",
        "review_url": review_url(campaign) if state in REVIEWABLE else "",
    }


def take_launch_transition(request, campaign, name: str, note: str):
    """The launch's own transitions: their services start the work and check the roles."""
    if name == "start_asset_generation":
        launch_generate(campaign=campaign, actor=request.user)
        return TransitionTaken(campaign, GENERATING)
    return launch_reset(campaign=campaign, actor=request.user, reason=note)


class LaunchFormsMixin:
    """Mix into the campaign admin: `launch/` and `<id>/brief/`, and the launch panel."""

    def get_urls(self):
        return [
            path(
                "launch/",
                self.admin_site.admin_view(self.launch_view),
                name="campaigns_campaign_launch",
            ),
            path(
                "<path:object_id>/brief/",
                self.admin_site.admin_view(self.brief_view),
                name="campaigns_campaign_brief",
            ),
            *super().get_urls(),
        ]

    def may_launch(self, request) -> bool:
        return request.user.has_perm(ADD_BRIEF)

    def changelist_view(self, request, extra_context=None):
        extra = {"may_launch": self.may_launch(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context["launch"] = launch_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _page(self, request, form, *, title: str, campaign=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "groups": BRIEF_GROUPS,
            "campaign": campaign,
            "errors": form.errors,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/launch_form.html", context)

    def launch_view(self, request):
        if not self.may_launch(request):
            raise PermissionDenied
        form = BriefForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                campaign = brief_create(
                    account=form.cleaned_data["account"],
                    data=form.brief_data(),
                    actor=request.user,
                )
            except ValidationError as exc:
                form.show_refusal(exc)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                self.message_user(
                    request,
                    f"“{campaign.name}” is a draft. Press Generate assets when the brief "
                    "is as you want it.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
        return self._page(request, form, title="Launch a campaign")

    def brief_view(self, request, object_id):
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None or not hasattr(campaign, "brief"):
            raise http.Http404("No launch of that id.")
        if not request.user.has_perm(CHANGE_BRIEF, campaign):
            raise PermissionDenied
        change_url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        if campaign.status != S.DRAFT:
            self.message_user(
                request,
                "Only a draft's brief can be changed; send it back to draft first.",
                messages.ERROR,
            )
            return redirect(change_url)
        form = BriefForm(
            request.POST or None,
            user=request.user,
            campaign=campaign,
            initial=BriefForm.initial_of(campaign),
        )
        if request.method == "POST" and form.is_valid():
            try:
                brief_update(campaign=campaign, data=form.brief_data(), actor=request.user)
            except ValidationError as exc:
                form.show_refusal(exc)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                self.message_user(request, "The brief is changed.", messages.SUCCESS)
                return redirect(change_url)
        return self._page(
            request, form, title=f"Edit the brief of {campaign.name}", campaign=campaign
        )
