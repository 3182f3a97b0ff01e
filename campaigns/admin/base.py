"""The base every Spectra admin stands on: tenant scoping and per-object permissions.

Every queryset, foreign-key dropdown and autocomplete answer is restricted to
the user's organizations (a superuser sees all), and every question about one
object goes to `user.has_perm(perm, obj)`, which MembershipRoleBackend answers
with the user's role in *that object's* organization.

State changes go through services; a service that refuses (ServiceError,
PermissionDenied) becomes an error message on the page, never a 500, and
nothing the form tried to save is kept.

Changelists filter only through the filters an admin declares: Django lets a
query string look up any local field (`?credentials_ciphertext__gte=…`), which
turns every changelist into an oracle for the columns it does not show.
"""

from django import forms, http
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.constants import LOOKUP_SEP
from django_fsm import ConcurrentTransition
from simple_history.admin import SimpleHistoryAdmin

from campaigns.auth import roles_by_org
from campaigns.roles import role_allows
from campaigns.selectors import scoped, visible_org_ids
from campaigns.services.errors import ServiceError
from campaigns.tenancy import org_lookup, organization_id_of, scope_to_orgs

REFUSALS = (ServiceError, PermissionDenied, ConcurrentTransition)
DEFAULT_REASON = "Edited in the admin"
_REFUSED = "_spectra_admin_refused"
_HISTORY_FORM = "_spectra_history_form"


def reason_field(help_text: str) -> forms.CharField:
    """The optional "why" of an edit, recorded in the row's history."""
    return forms.CharField(
        max_length=500,
        required=False,
        initial=DEFAULT_REASON,
        help_text=help_text,
        widget=forms.TextInput(attrs={"size": 60}),
    )


def refusal_message(exc: Exception) -> str:
    """What to tell a person whose change a service refused."""
    if isinstance(exc, ConcurrentTransition):
        return "Someone changed this at the same time; reload the page and try again."
    text = str(exc).strip()
    if isinstance(exc, PermissionDenied):
        return text or "Your role in this organization does not allow that."
    return text or "The change was refused."


def org_ids_allowing(user, *permissions: str) -> list[int] | None:
    """Organizations where the user's role allows any of `permissions`; None means all."""
    if user.is_active and user.is_superuser:
        return None
    return sorted(
        org_id
        for org_id, role in roles_by_org(user).items()
        if any(role_allows(role, p) for p in permissions)
    )


def restrict_choices(queryset, org_ids):
    """Restrict a dropdown's queryset (tenant-owned rows, or users) to `org_ids`."""
    if org_ids is None:
        return queryset
    if queryset.model is get_user_model():
        # People are not tenant-owned; show only members of those organizations.
        return queryset.filter(memberships__organization_id__in=org_ids).distinct()
    if org_lookup(queryset.model) is None:
        return queryset  # shared reference data, not owned by any tenant
    return scope_to_orgs(queryset, org_ids)


class ScopedPermissionsMixin:
    """Permissions and choices for ModelAdmins and inlines alike.

    `has_*_permission(request, obj)` asks about *that* object; the same
    question without an object means "in any of my organizations".
    """

    def _perm(self, action: str) -> str:
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm(self._perm("view"), obj) or user.has_perm(self._perm("change"), obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("change"), obj)

    def has_delete_permission(self, request, obj=None):
        # Rows come from the platforms and are referenced by history and
        # decisions; admins that allow deleting say so explicitly.
        return False

    def choice_org_ids(self, request) -> list[int] | None:
        """Organizations whose rows this admin's forms may point at.

        Only those where the user may add or change this model: a user who
        is admin in one organization and viewer in another cannot file a
        row under the second.
        """
        return org_ids_allowing(request.user, self._perm("add"), self._perm("change"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            db = kwargs.get("using")
            queryset = self.get_field_queryset(db, db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.using(db).all()
            kwargs["queryset"] = restrict_choices(queryset, self.choice_org_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Rows only the platform or the system writes: view, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedTabularInline(ScopedPermissionsMixin, admin.TabularInline):
    """An inline whose rows and dropdowns stay inside the user's organizations."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)


def valid_key(field, value) -> bool:
    """Whether `value`, as typed in a URL, is a value `field` (a primary key) can hold."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class DeclaredLookupsOnly:
    """A changelist answers only the lookups of its declared filters.

    Declared: each list filter's own parameters (as Django's filter classes
    name them: `status__exact`, `created_at__gte`, a SimpleListFilter's
    `parameter_name`), the date hierarchy's year/month/day, and
    `extra_lookups`, the few the console's own links use. Anything else is
    refused the way Django refuses a lookup it does not allow (400, logged on
    django.security), before a query is made.
    """

    extra_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request=None):
        compares_ids = lookup in self.extra_lookups and not lookup.endswith("__isnull")
        if compares_ids and not valid_key(_target_field(self.model, lookup), value):
            # No list filter reads an extra lookup, so nothing else checks its value:
            # one the field cannot hold (campaign=2**63) is Django's ?e=1, not a 500.
            raise IncorrectLookupParameters(f"{lookup}: {value!r} is not an id.")
        return lookup in self.declared_lookups(request)

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def declared_lookups(self, request) -> set[str]:
        lookups = set(self.extra_lookups)
        if self.date_hierarchy:
            lookups |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                lookups.add(item.parameter_name)
            else:
                path = item[0] if isinstance(item, list | tuple) else item
                lookups |= field_filter_parameters(self.model, path)
        return lookups


def _target_field(model, lookup: str):
    """The field whose values `lookup` compares (a relation's key for a relation)."""
    field = None
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # the rest are lookups: exact, gte, …
        if field.is_relation:
            model = field.related_model
    return field.target_field if field.is_relation else field


def field_filter_parameters(model, path: str) -> set[str]:
    """The query parameters Django's field list filters read for the field at `path`.

    Named here rather than asked of a filter instance: building one lists its
    choices, a DISTINCT scan of the table for an AllValuesFieldListFilter.
    Choice and boolean filters read `__exact`, date filters `__gte`/`__lt`,
    all-values filters the bare path, relations `__<key>__exact`, every one
    `__isnull`, the empty filter `__isempty`.
    """
    field = get_fields_from_path(model, path)[-1]
    names = {path, *(f"{path}__{lookup}" for lookup in ("exact", "isnull", "isempty", "gte", "lt"))}
    if field.is_relation:
        names.add(f"{path}__{field.target_field.name}__exact")
    return names


class BoundedChangeList(ChangeList):
    """Django's changelist, with a date hierarchy that stays inside the calendar.

    Django turns
    `?created_at__year=9999&created_at__month=12` into "from the first of that
    month to the first of the next" and catches a ValueError on the way, but
    not the OverflowError of stepping past 9999-12-31.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as exc:
            raise IncorrectLookupParameters(exc) from exc


class TenantScopedAdmin(DeclaredLookupsOnly, ScopedPermissionsMixin, SimpleHistoryAdmin):
    """A history-aware ModelAdmin that only ever shows the user's organizations."""

    # A platform API or webhook URL typed without a scheme means HTTPS
    # (Django 6's default; Django 5.2 still assumes http and warns).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Fieldsets of form-only fields (the reason for a change, write-only secrets),
    # shown only to someone who may save the form.
    edit_fieldsets = ()

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def may_edit(self, request, obj=None) -> bool:
        if self.showing_history_version(request):
            return False
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.edit_fieldsets and self.may_edit(request, obj):
            fieldsets += list(self.edit_fieldsets)
        return fieldsets

    # --- services and refusals ---------------------------------------------

    def save_with_service(self, request, service, /, **kwargs):
        """Run a service from save_model/delete_model; a refusal undoes the whole form.

        The refusal becomes an error message, `save_refused(request)` turns true
        and None is returned. Only for those two hooks: Django runs them inside
        the change or delete view's transaction, and marking that one for
        rollback keeps a half-applied form (say, settings saved but credentials
        refused) from sticking; the page then shows the refusal, not "saved".
        """
        try:
            return service(**kwargs)
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            setattr(request, _REFUSED, True)
            using = router.db_for_write(self.model)
            if transaction.get_connection(using).in_atomic_block:
                transaction.set_rollback(True, using=using)
            return None

    def act_on_each(self, request, queryset, service, *, done: str, logged: str, label=str):
        """Run `service(row)` for each selected row: one refusal never stops the others.

        `done` is the success message with `{n}`; `logged` the admin log entry; `label`
        names a row in the list of refusals.
        """
        count, refused = 0, []
        for row in queryset:
            try:
                service(row)
            except REFUSALS as exc:
                refused.append(f"“{label(row)}”: {refusal_message(exc)}")
            else:
                count += 1
                self.log_change(request, row, logged)
        if count:
            self.message_user(request, done.format(n=count), messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"Refused {len(refused)}: " + "; ".join(refused), messages.WARNING
            )

    def save_refused(self, request) -> bool:
        return getattr(request, _REFUSED, False)

    # Form fields that say why a save happens rather than change the object.
    form_only_fields = ("reason",)

    def save_model(self, request, obj, form, change):
        """Save through `save_changes` (a service) — unless nothing was changed: then no
        service runs and no history row says "changed" when nothing was."""
        if change and not set(form.changed_data) - set(self.form_only_fields):
            self.message_user(
                request, "Nothing was changed, so no new version was written.", messages.INFO
            )
            return
        self.save_changes(request, obj, form, change)

    def save_changes(self, request, obj, form, change):
        raise NotImplementedError(
            f"{type(self).__name__} must save through a service (see campaigns/services/)."
        )

    def delete_model(self, request, obj):
        raise NotImplementedError(
            f"{type(self).__name__} must delete through a service (see campaigns/services/)."
        )

    def get_actions(self, request):
        # Bulk delete logs and deletes outside one transaction, so a refusal
        # half-way could not be undone; deleting goes one object at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_related(self, request, form, formsets, change):
        if not self.save_refused(request):
            super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if self.save_refused(request):
            return ""  # nothing was saved, and the inline formsets were never saved either
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not self.save_refused(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not self.save_refused(request):
            return super().log_change(request, obj, message)
        return None

    def log_deletions(self, request, queryset):
        if not self.save_refused(request):
            return super().log_deletions(request, queryset)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if self.save_refused(request):
            return http.HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.save_refused(request):
            return http.HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if self.save_refused(request):
            return http.HttpResponseRedirect(request.get_full_path())
        return super().response_delete(request, obj_display, obj_id)

    # --- history ------------------------------------------------------------

    @property
    def has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def _history_subject(self, request, object_id):
        """The object whose history is asked for, or 404 if it is not the user's to see.

        simple-history looks the object up itself (and, for the form view,
        without the admin's queryset); this puts the tenancy scope in front.
        A deleted object is judged by the organization of its last version.
        """
        obj = self.get_object(request, object_id)
        if obj is not None:
            return obj
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            last = (
                history.filter(**{self.opts.pk.attname: object_id})
                .order_by("-history_date")
                .first()
            )
        except (ValueError, ValidationError):
            last = None
        org_ids = visible_org_ids(request.user)
        if last is None or (
            org_ids is not None and organization_id_of(last.instance) not in org_ids
        ):
            raise http.Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        return last.instance

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_history:
            # Models without simple-history get Django's own (LogEntry) history,
            # which looks the object up through get_queryset.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        self._history_subject(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_history:
            raise http.Http404("This model keeps no versions.")
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        if not valid_key(history.model._meta.pk, version_id):
            raise http.Http404(f"No version with id {version_id!r}.")
        if request.method not in ("GET", "HEAD"):
            # SIMPLE_HISTORY_REVERT_DISABLED only hides the button; simple-history
            # still saves a POSTed form. A version is restored by a rollback
            # recommendation, never by writing an old row back.
            return http.HttpResponseNotAllowed(["GET", "HEAD"])
        self._history_subject(request, unquote(object_id))
        setattr(request, _HISTORY_FORM, True)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def showing_history_version(self, request) -> bool:
        return getattr(request, _HISTORY_FORM, False)

    def get_readonly_fields(self, request, obj=None):
        if self.showing_history_version(request):
            return self._all_field_names()
        return super().get_readonly_fields(request, obj)

    def _all_field_names(self) -> list[str]:
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields:
            return list(self.fields)
        model_fields = [f.name for f in self.opts.fields if f.editable and not f.auto_created]
        return model_fields + [n for n in self.readonly_fields if n not in model_fields]
