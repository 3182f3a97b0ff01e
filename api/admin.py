"""API tokens in the admin: made here (the secret is shown once, on the page that
made it — never in a message, a cookie or a log), and revoked here.

People manage their own tokens; Spectra's operators see and revoke everyone's.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from api.models import ApiToken
from api.services import DEFAULT_LIFETIME, MAX_LIFETIME, token_create, token_revoke
from campaigns.admin.base import DeclaredLookupsOnly
from campaigns.services.errors import ServiceError

_SECRET = "_spectra_new_token_secret"


class ApiTokenAddForm(forms.ModelForm):
    lifetime_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_LIFETIME.days,
        initial=DEFAULT_LIFETIME.days,
        help_text=f"The token stops working after this many days (at most {MAX_LIFETIME.days}).",
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if request is not None and not request.user.is_superuser:
            del self.fields["user"]  # everyone else makes tokens for themselves

    def owner(self):
        return self.cleaned_data.get("user") or self.request.user

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        if name and ApiToken.objects.filter(user=self.owner(), name=name).exists():
            self.add_error("name", "You already have a token with this name.")
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix_display",
        "created_at",
        "expires_at",
        "last_used_at",
        "state",
    ]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "user",
        "name",
        "prefix_display",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    @admin.display(description="token starts with")
    def prefix_display(self, obj):
        return f"spk_{obj.prefix}_…"

    @admin.display(description="state")
    def state(self, obj):
        if obj.revoked_at:
            return "revoked"
        return "usable" if obj.is_usable else "expired"

    # --- who sees what --------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def _staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._staff(request)

    def has_view_permission(self, request, obj=None):
        if not self._staff(request):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request):
        return self._staff(request)

    def has_change_permission(self, request, obj=None):
        return False  # a token is made and revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay, so "who used what when" stays answerable

    # --- making a token ---------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form_class = ApiTokenAddForm

        class RequestBoundForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestBoundForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return (["user"] if request.user.is_superuser else []) + ["name", "lifetime_days"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        token, secret = token_create(
            user=form.owner(),
            name=form.cleaned_data["name"],
            actor=request.user,
            lifetime=timedelta(days=form.cleaned_data["lifetime_days"]),
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        setattr(request, _SECRET, secret)

    def response_add(self, request, obj, post_url_continue=None):
        response = TemplateResponse(
            request,
            "admin/api/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "secret": getattr(request, _SECRET),
                "title": f"API token '{obj.name}' created",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    # --- revoking ---------------------------------------------------------------

    @admin.action(description="Revoke selected tokens")
    def revoke_selected(self, request, queryset):
        revoked = 0
        for token in queryset.select_related("user"):
            try:
                token_revoke(token=token, actor=request.user)
                revoked += 1
            except (ServiceError, PermissionDenied) as exc:
                self.message_user(request, f"{token}: {exc}", messages.ERROR)
        if revoked:
            self.message_user(request, f"Revoked {revoked} token(s); they are refused from now on.")
