"""Benchmark measures and the figures other forces publish for them (DESIGN.md §2)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from oversight.errors import ApplicationError
from oversight.periods import parse_quarter


class BenchmarkMeasure(models.Model):
    """A measure compared across police forces, e.g. live Sexual Risk Orders (DESIGN.md §2)."""

    _history_user: Any  # set before a save: django-simple-history records it as the change's author

    code = models.SlugField(max_length=60, unique=True, help_text="Used in the page address, e.g. live-sros.")
    name = models.CharField(max_length=200, unique=True)
    unit = models.CharField(max_length=60, blank=True, help_text="What is counted, e.g. 'live orders'.")
    description = models.TextField(blank=True)
    comparison_group = models.CharField(
        max_length=200, blank=True, help_text="Which forces are compared, e.g. 'Region and Most Similar Group'."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BenchmarkFigure(models.Model):
    """One force's published figure for a benchmark measure in a financial quarter, entered by hand."""

    _history_user: Any  # set before a save: django-simple-history records it as the change's author

    measure = models.ForeignKey(BenchmarkMeasure, on_delete=models.PROTECT, related_name="figures")
    period = models.CharField(max_length=10, help_text="Financial quarter, e.g. 2025-26-Q2.")
    force = models.CharField(max_length=100, help_text="e.g. West Midlands Police.")
    is_own_force = models.BooleanField("this force", default=False)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=300, blank=True, help_text="Where the figure was published.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "-period", "-value", "force"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "force"], name="benchmark_figure_unique_force"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="benchmark_figure_value_not_negative",
                violation_error_message="A benchmark figure cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.force} {self.period}"

    def clean(self) -> None:
        try:
            parse_quarter(self.period)
        except ApplicationError as exc:
            raise ValidationError({"period": exc.message}) from None
