"""A guard against resurrecting old versions behind the executor's back."""

from django.core.exceptions import ValidationError


class VersionRestoreRefused(ValidationError):
    pass


class RefuseUnsavedCopies:
    """Refuse to save a copy of an existing row built outside the database.

    simple-history's `record.instance` (its "revert") builds exactly that: an
    unsaved instance carrying an old version's budget, bid, limits or state.
    Saving it would change the platform's picture in Spectra without a platform
    write, an approval or an audit entry. Versions are restored through rollback
    recommendations, which the executor carries out like any other change.
    """

    def save(self, *args, **kwargs):
        if (
            self._state.adding
            and self.pk is not None
            and self._meta.model._default_manager.filter(pk=self.pk).exists()
        ):
            raise VersionRestoreRefused(
                f"{self._meta.verbose_name.capitalize()} #{self.pk} cannot be overwritten with "
                "an old version; restore a version through a rollback recommendation."
            )
        super().save(*args, **kwargs)
