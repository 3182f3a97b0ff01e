"""State-machine buttons on change pages, each carried out by a service.

django_fsm's FSMAdminMixin calls the transition method and `obj.save()`
itself, which would bypass the services (authorization per organization,
locking, history with actor and reason). This mixin only *offers* the
transitions the object's state and the user's role allow, and hands the
POST to the model admin's `take_transition`, which calls the service.
"""

from dataclasses import dataclass

from django import http
from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse

from campaigns.admin.base import REFUSALS, refusal_message


@dataclass(frozen=True)
class TransitionButton:
    name: str
    label: str
    held: str = ""  # why the button is shown disabled (the transition is under way)


@dataclass(frozen=True)
class TransitionTaken:
    """What `take_transition` returns when the state moves later (a pause the platform
    has yet to confirm): the object, and what to tell the person instead of "done"."""

    obj: object
    message: str


class TransitionButtonsMixin:
    """Mix into a TenantScopedAdmin whose model has an FSM field named `status`."""

    transition_note_label = "Reason"
    transition_note_help = ""
    transition_note_required = True
    # The POST field the note comes in: a page with one reason box for every action names
    # it as its form does ("reason").
    transition_note_field = "note"

    # --- what subclasses provide -----------------------------------------

    def may_take(self, request, obj, name: str) -> bool:
        """Whether to show the button: the user's role allows this transition here."""
        raise NotImplementedError

    def take_transition(self, request, obj, name: str, note: str):
        """Carry the transition out through its service; may raise a refusal."""
        raise NotImplementedError

    def transition_done_url(self, request, obj, name: str) -> str | None:
        """Where to go once the transition is taken; None for back to the object's page."""
        return None

    # --- the machinery -----------------------------------------------------

    def offered_transitions(self, obj):
        """Transitions the state allows right now and that belong on a person's page.

        In the order the model declares them (django_fsm's order depends on how
        sources were registered), so buttons keep their places across states.
        """
        offered = [t for t in obj.get_available_status_transitions() if t.custom.get("admin", True)]
        return sorted(offered, key=lambda t: t.method.__code__.co_firstlineno)

    def transition_buttons(self, request, obj) -> list[TransitionButton]:
        return [
            TransitionButton(t.name, t.custom.get("label", t.name.replace("_", " ").capitalize()))
            for t in self.offered_transitions(obj)
            if self.may_take(request, obj, t.name)
        ]

    def _transition_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_transition"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name=self._transition_url_name(),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context.update(
                transitions=self.transition_buttons(request, obj),
                # The changelist's filters travel along, so the page keeps them after a decision.
                transition_url=add_preserved_filters(
                    {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
                    reverse(f"{self.admin_site.name}:{self._transition_url_name()}", args=[obj.pk]),
                ),
                transition_note_label=self.transition_note_label,
                transition_note_help=self.transition_note_help,
                transition_note_required=self.transition_note_required,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return http.HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise http.Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
            reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            ),
        )
        name = request.POST.get("transition", "")
        note = request.POST.get(self.transition_note_field, "").strip()
        offered = {t.name: t for t in self.offered_transitions(obj)}
        if name not in offered:
            self.message_user(
                request,
                f"'{name}' is not possible for a {self.opts.verbose_name} that is "
                f"{obj.get_status_display().lower()}.",
                messages.ERROR,
            )
            return redirect(change_url)
        label = offered[name].custom.get("label", name)
        # The service decides; it checks the role in this object's organization.
        try:
            updated = self.take_transition(request, obj, name, note)
        except REFUSALS as exc:
            self.message_user(request, f"{label}: {refusal_message(exc)}", messages.ERROR)
        else:
            if isinstance(updated, TransitionTaken):
                message = updated.message
            else:
                message = (
                    f"{label}: done. “{updated}” is now {updated.get_status_display().lower()}."
                )
            self.message_user(request, message, messages.SUCCESS)
            return redirect(self.transition_done_url(request, obj, name) or change_url)
        return redirect(change_url)
