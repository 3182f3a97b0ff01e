"""History pages fold the machine's own versions (campaigns.history_noise) behind a
"show system changes" toggle, off by default; a person's changes always show."""

from django.utils.http import urlencode

from campaigns.history_noise import folds_system_changes, system_change_ids

SHOW_PARAMETER = "system"
_TOGGLE = "_spectra_system_changes"


def showing_system_changes(request) -> bool:
    return request.GET.get(SHOW_PARAMETER) == "1"


def system_changes_toggle(request, hidden: int) -> dict:
    """Template context for the toggle: whether system changes show, how many are
    folded, and the link that flips it (keeping the rest of the query string)."""
    showing = showing_system_changes(request)
    query = request.GET.copy()
    if showing:
        query.pop(SHOW_PARAMETER, None)
    else:
        query[SHOW_PARAMETER] = "1"
    return {
        "showing": showing,
        "hidden": hidden,
        "url": f"?{urlencode(sorted(query.items()))}" if query else "?",
    }


def without_system_changes(request, versions):
    """`versions` (one object's history) and the toggle's context: system changes left
    out unless the person asked to see them."""
    if not folds_system_changes(versions.model.instance_type):
        return versions, None
    noise = system_change_ids(versions)
    toggle = system_changes_toggle(request, 0 if showing_system_changes(request) else len(noise))
    toggle["count"] = len(noise)
    if showing_system_changes(request) or not noise:
        return versions, toggle | {"noise": noise}
    return versions.exclude(history_id__in=noise), toggle | {"noise": noise}


class SystemChangesToggleMixin:
    """For a TenantScopedAdmin with simple-history: its object history page folds them."""

    object_history_template = "admin/campaigns/object_history.html"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        versions, toggle = without_system_changes(request, versions)
        setattr(request, _TOGGLE, toggle)
        return versions

    def render_history_view(self, request, template, context, **kwargs):
        context["system_changes"] = getattr(request, _TOGGLE, None)
        return super().render_history_view(request, template, context, **kwargs)
