"""Ad accounts (write-only credentials, audited execution mode) and guardrail policies."""

from django import forms
from django.contrib import admin, messages
from django.db import models

from campaigns.admin.audit import AuditTimelineMixin
from campaigns.admin.base import DEFAULT_REASON, TenantScopedAdmin, reason_field
from campaigns.admin.display import EXECUTION_MODE_COLOURS, badge
from campaigns.admin.filters import organization_filter
from campaigns.admin.system_changes import SystemChangesToggleMixin
from campaigns.credentials import CREDENTIAL_KEYS, credential_names
from campaigns.models import AdAccount, ExecutionMode, GuardrailPolicy, Platform
from campaigns.services.accounts import (
    account_set_credentials,
    account_set_execution_mode,
    policy_save,
)
from campaigns.services.admin_support import account_save
from campaigns.services.quotas import account_create_within_quota

# Form field → credential name, per platform, from the one table the service
# and the API use too (campaigns.credentials.CREDENTIAL_KEYS).
CREDENTIAL_FIELDS = {
    platform: {f"{platform}_{key.name}": key.name for key in keys}
    for platform, keys in CREDENTIAL_KEYS.items()
}


BASE_URL_HELP = (
    "Platform API root; point it at the sandbox to rehearse without money. "
    "Changing it drops the stored credentials: enter them again below."
)


def _https_by_default(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def _secret(label: str) -> forms.CharField:
    # Never rendered back: not after saving, not after a validation error.
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class AdAccountForm(forms.ModelForm):
    reason = reason_field("Recorded in the account's history.")
    new_execution_mode = forms.ChoiceField(
        choices=[("", "— keep the current mode —"), *ExecutionMode.choices],
        required=False,
        label="Change execution mode to",
    )
    mode_reason = forms.CharField(
        max_length=500,
        required=False,
        label="Why the mode changes",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = AdAccount
        help_texts = {"api_base_url": BASE_URL_HELP}
        fields = [
            "organization",
            "name",
            "platform",
            "external_id",
            "currency",
            "time_zone",
            "api_base_url",
            "autonomy",
            "is_active",
        ]
        formfield_callback = _https_by_default

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("new_execution_mode")
        if mode and mode != self.instance.execution_mode and not cleaned.get("mode_reason"):
            self.add_error("mode_reason", "Say why the execution mode changes.")
        return cleaned

    def credential_values(self, platform: str) -> dict[str, str]:
        """The credentials typed into this form for `platform` (blank ones are kept as stored)."""
        return {
            name: self.cleaned_data[field_name]
            for field_name, name in CREDENTIAL_FIELDS.get(platform, {}).items()
            if self.cleaned_data.get(field_name)
        }


# One password field per credential in the table, declared as if written in the
# class body (the admin's form factory reads declared_fields).
for _platform, _keys in CREDENTIAL_KEYS.items():
    for _key in _keys:
        AdAccountForm.declared_fields[f"{_platform}_{_key.name}"] = _secret(_key.label)
AdAccountForm.base_fields.update(AdAccountForm.declared_fields)


@admin.register(AdAccount)
class AdAccountAdmin(SystemChangesToggleMixin, AuditTimelineMixin, TenantScopedAdmin):
    audit_subject = "account"
    form = AdAccountForm
    list_display = [
        "name",
        "organization",
        "platform",
        "external_id",
        "currency",
        "execution_mode_display",
        "autonomy",
        "is_active",
        "has_credentials",
        "last_synced_at",
    ]
    list_filter = ["platform", "execution_mode", "autonomy", "is_active", organization_filter()]
    search_fields = ["name", "external_id"]
    list_select_related = ["organization"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organization",
                    "name",
                    "platform",
                    "external_id",
                    "currency",
                    "time_zone",
                    "api_base_url",
                    "autonomy",
                    "is_active",
                ]
            },
        ),
        ("Execution", {"fields": ["execution_mode", "last_synced_at"]}),
        ("Credentials", {"fields": ["credentials_set"]}),
        ("Record", {"fields": ["created_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["execution_mode", "last_synced_at", "credentials_set", "created_at"]

    @admin.display(description="execution mode", ordering="execution_mode")
    def execution_mode_display(self, obj):
        return badge(
            obj.get_execution_mode_display(), EXECUTION_MODE_COLOURS.get(obj.execution_mode, "")
        )

    @admin.display(description="credentials", boolean=True)
    def has_credentials(self, obj):
        return obj.has_credentials

    @admin.display(description="credentials stored")
    def credentials_set(self, obj):
        # Names only; the values and the ciphertext never reach a page.
        names = credential_names(obj.credentials_ciphertext) if obj.pk else []
        if names:
            return f"set: {', '.join(names)}"
        if obj.has_credentials:
            return "stored, but unreadable with the current key: enter them again"
        return "none set"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Tenancy and platform are fixed once an account exists.
            readonly += [n for n in ("organization", "platform") if n not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not self.may_edit(request, obj):
            return fieldsets
        if obj is not None and request.user.has_perm("campaigns.change_execution_mode", obj):
            fieldsets.append(
                (
                    "Change execution mode",
                    {
                        "description": "Live writes to the platform with real money.",
                        "fields": ["new_execution_mode", "mode_reason"],
                    },
                )
            )
        platforms = [obj.platform] if obj is not None else list(CREDENTIAL_FIELDS)
        for platform in platforms:
            fieldsets.append(
                (
                    f"{Platform(platform).label} credentials",
                    {
                        "description": "Write-only: stored encrypted and never shown. "
                        "Leave a field blank to keep what is stored.",
                        "fields": list(CREDENTIAL_FIELDS[platform]),
                    },
                )
            )
        fieldsets.append(("Why", {"fields": ["reason"]}))
        return fieldsets

    def save_changes(self, request, obj, form, change):
        reason = form.cleaned_data.get("reason", "").strip() or DEFAULT_REASON
        settings_changed = [n for n in form.changed_data if n in AdAccountForm.Meta.fields]
        values = form.credential_values(obj.platform)
        if not change or settings_changed:
            had_credentials = obj.has_credentials
            # A new account counts against the organization's quota, as in the API.
            service = account_save if change else account_create_within_quota
            saved = self.save_with_service(
                request, service, account=obj, actor=request.user, reason=reason
            )
            if self.save_refused(request):
                return
            if had_credentials and not saved.has_credentials:
                obj.credentials_ciphertext = ""
                kept = f" Only those entered now are stored: {', '.join(sorted(values))}."
                self.message_user(
                    request,
                    "The API base URL changed, so the stored credentials were dropped; "
                    + (kept if values else "enter them again before the next sync."),
                    messages.WARNING,
                )
        if values:
            self.save_with_service(
                request, account_set_credentials, account=obj, actor=request.user, values=values
            )
            if self.save_refused(request):
                return
        mode = form.cleaned_data.get("new_execution_mode")
        if mode and mode != obj.execution_mode:
            self.save_with_service(
                request,
                account_set_execution_mode,
                account=obj,
                actor=request.user,
                mode=mode,
                reason=form.cleaned_data.get("mode_reason", ""),
            )


POLICY_SECTIONS = [
    (
        "Budgets",
        [
            "max_budget_increase_pct",
            "max_budget_decrease_pct",
            "budget_floor",
            "budget_neutrality",
            "max_bid_change_pct",
        ],
    ),
    (
        "Approval and pace",
        [
            "approval_threshold_pct",
            "require_manual_approval",
            "cooldown_hours",
            "max_changes_per_run",
            "recommendation_ttl_hours",
        ],
    ),
    ("Evidence", ["significance_level", "min_clicks", "min_conversions", "conversion_lag_days"]),
    (
        "Audiences",
        ["fatigue_suppress_threshold", "intent_activate_threshold", "activate_max_fatigue"],
    ),
]

POLICY_SETTINGS = [name for _, names in POLICY_SECTIONS for name in names]


@admin.register(GuardrailPolicy)
class GuardrailPolicyAdmin(TenantScopedAdmin):
    class Form(forms.ModelForm):
        reason = reason_field("Recorded in the policy's history; the version goes up by one.")

        class Meta:
            model = GuardrailPolicy
            fields = [
                "organization",
                "account",
                *(n for _, names in POLICY_SECTIONS for n in names),
            ]

        def clean(self):
            cleaned = super().clean()
            org = cleaned.get("organization")
            org_id = org.pk if org else self.instance.organization_id
            account = cleaned.get("account")
            if account and org_id and account.organization_id != org_id:
                self.add_error("account", "Choose an account of the policy's own organization.")
            return cleaned

    form = Form
    list_display = [
        "__str__",
        "organization",
        "account",
        "version",
        "max_budget_increase_pct",
        "budget_floor",
        "approval_threshold_pct",
        "require_manual_approval",
        "cooldown_hours",
        "updated_at",
    ]
    list_filter = [organization_filter(), "require_manual_approval", "budget_neutrality"]
    search_fields = ["organization__name", "account__name"]
    list_select_related = ["organization", "account"]
    autocomplete_fields = ["account"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organization", "account", "version", "updated_at"]}),
        *((title, {"fields": names}) for title, names in POLICY_SECTIONS),
    ]
    edit_fieldsets = [("Why", {"fields": ["reason"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and "organization" not in readonly:
            readonly.append("organization")
        return readonly

    def save_changes(self, request, obj, form, change):
        self.save_with_service(
            request,
            policy_save,
            policy=obj,
            actor=request.user,
            reason=form.cleaned_data.get("reason", "").strip() or DEFAULT_REASON,
        )
