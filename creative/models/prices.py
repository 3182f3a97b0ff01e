"""What a model costs, per price list: a new price is a new row from its date, so a
price change never rewrites what past calls cost."""

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class ModelPrice(models.Model):
    model = models.CharField(max_length=120, help_text="The model name as the provider bills it.")
    input_per_million = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="USD per 1,000,000 input (prompt) tokens.",
    )
    output_per_million = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="USD per 1,000,000 output (completion) tokens.",
    )
    per_image = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="USD per generated image.",
    )
    effective_from = models.DateField(help_text="Calls from this day on are priced with it.")
    source = models.CharField(
        max_length=300, blank=True, default="", help_text="Where and when the price was read."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["model", "effective_from"], name="model_price_day"),
        ]

    def __str__(self) -> str:
        return f"{self.model} from {self.effective_from}"
