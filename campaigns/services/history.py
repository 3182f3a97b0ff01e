"""Saving with a history record that always names who and why."""

from django.db import transaction
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


# Rows per `pk IN (…)`: under SQLite's limit of host parameters on old builds (999).
BULK_CHUNK = 900
# The columns simple-history adds to a historical table; anything else is a custom
# column this module cannot fill by copying, so it hands over to the library.
_HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def chunks(ids: list, size: int = BULK_CHUNK):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def copy_to_history(model, ids, *, actor, when, reason) -> None:
    """One "changed" history row per row of `model` in `ids`, as stored now, by INSERT … SELECT.

    What simple-history's `bulk_history_create(update=True)` writes, without building
    a model instance and compiling ~25 values per row in Python first (at 5,000–10,000
    rows that alone took most of a bulk approval's or an execution batch's time).

    `reason` is a text, or (prefix, recommendation ids) for campaigns: "prefix<id>" per
    campaign, the id of the batch's recommendation for that campaign.
    """
    if not ids:
        return
    history = model.history.model
    tracked = [f.column for f in history.tracked_fields]
    own = {f.attname for f in history._meta.concrete_fields} - set(tracked)
    if own != _HISTORY_COLUMNS:
        if not isinstance(reason, str):
            raise ValueError(f"{history.__name__} has custom columns; give a plain reason.")
        for chunk in chunks(list(ids)):
            model.history.bulk_history_create(
                model._default_manager.filter(pk__in=chunk),
                update=True,
                default_user=actor,
                default_change_reason=reason,
                default_date=when,
            )
        return
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    columns = ", ".join(f"src.{qn(c)}" for c in tracked)
    head = [connection.ops.adapt_datetimefield_value(when), "~", actor.pk if actor else None]
    source = f"{qn(model._meta.db_table)} AS src"
    if isinstance(reason, str):
        why, keys, key_column = "%s", list(ids), "src.id"
        head.append(reason)
    else:
        from campaigns.models import Recommendation

        prefix, keys = reason[0], list(reason[1])
        why, key_column = "%s || CAST(rec.id AS TEXT)", "rec.id"
        head.append(prefix)
        source += f" JOIN {qn(Recommendation._meta.db_table)} AS rec ON rec.campaign_id = src.id"
    with connection.cursor() as cursor:
        for chunk in chunks(keys):
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} "
                f"({', '.join(qn(c) for c in tracked)}, history_date, history_type, "
                f"history_user_id, history_change_reason) "
                f"SELECT {columns}, %s, %s, %s, {why} FROM {source} "
                f"WHERE {key_column} IN ({', '.join(['%s'] * len(chunk))})",
                [*head, *chunk],
            )
