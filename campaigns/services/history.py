"""Saving with a history record that always names who and why."""

from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from campaigns.services.errors import TransitionRefused


def save_with_history(obj, *, actor, reason: str, update_fields=None) -> None:
    """Save `obj`, recording `actor` and `reason` on the simple-history row.

    A state that moved under us (another worker or person won the race) becomes
    TransitionRefused with the state it is in now, so every caller — admin, API,
    task — answers it the same way instead of with a 500.
    """
    obj._history_user = actor
    obj._change_reason = reason
    try:
        obj.save(update_fields=update_fields)
    except ConcurrentTransition as exc:
        current = type(obj)._default_manager.filter(pk=obj.pk).values_list("status", flat=True)
        raise TransitionRefused(
            f"This {obj._meta.verbose_name} was changed by someone else at the same time; "
            "reload and try again.",
            current=current.first() or "",
        ) from exc


def apply_transition(obj, transition_name: str) -> None:
    """Run an FSM transition or raise TransitionRefused naming the current state."""
    method = getattr(obj, transition_name)
    if not can_proceed(method):
        raise TransitionRefused(
            f"Cannot {transition_name.replace('_', ' ')} a {obj._meta.verbose_name} that is "
            f"{obj.get_status_display().lower()}.",
            current=obj.status,
        )
    try:
        method()
    except TransitionNotAllowed as exc:  # conditions changed between check and call
        raise TransitionRefused(str(exc), current=obj.status) from exc
