"""Which versions in a row's history are machine noise, so history pages can fold them.

Spectra's own bookkeeping writes versions a person has no use for: a lease's timestamp,
"last synced at", the execution lock taken and given back (a campaign going ACTIVE →
OPTIMIZING → ACTIVE around a write). A version is a *system change* when it was not
written by a person and, next to the version before it, changed only such fields. A
person's version always shows, whatever it changed; so does every creation.
"""

from campaigns.actors import SYSTEM_USERNAME

# Fields Spectra keeps for its own running, per model ("app_label.model_name").
MACHINE_FIELDS = {
    "campaigns.campaign": frozenset({"lock_expires_at", "updated_at"}),
    "campaigns.adaccount": frozenset({"last_synced_at", "updated_at"}),
    "campaigns.adgroup": frozenset({"updated_at"}),
    "campaigns.audience": frozenset({"updated_at"}),
}
# A change of `field` between these values is the execution lock, not a change of state.
LOCK_STATES = {"campaigns.campaign": ("status", frozenset({"active", "optimizing"}))}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def folds_system_changes(model) -> bool:
    return _label(model) in MACHINE_FIELDS


def system_change_ids(versions) -> set[int]:
    """The history ids among `versions` (one object's history queryset) that are system
    changes. One query over the tracked columns, oldest first."""
    history = versions.model
    label = _label(history.instance_type)
    machine = MACHINE_FIELDS.get(label, frozenset())
    lock_field, lock_states = LOCK_STATES.get(label, ("", frozenset()))
    fields = [f.attname for f in history.tracked_fields]
    rows = versions.order_by("history_date", "history_id").values_list(
        "history_id", "history_type", "history_user__username", *fields
    )
    noise, previous = set(), None
    for history_id, kind, username, *values in rows.iterator(chunk_size=500):
        current = dict(zip(fields, values, strict=True))
        if previous is not None and kind == "~" and username in (None, SYSTEM_USERNAME):
            changed = {f for f in fields if current[f] != previous[f]} - machine
            if lock_field in changed and {current[lock_field], previous[lock_field]} <= lock_states:
                changed.discard(lock_field)
            if not changed:
                noise.add(history_id)
        previous = current
    return noise
