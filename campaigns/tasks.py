"""django-q2 entry points of the campaigns app; thin callers of its services.

Arguments are ids, never model instances, so a redelivered task reads the
current state.
"""

from campaigns.services.notifications import alert_notify


def alert_notify_task(alert_id: int, force: bool = False) -> str:
    """Tell the organization about a new alert (e-mail, webhook); returns what failed."""
    return alert_notify(alert_id=alert_id, force=force).notification_error
