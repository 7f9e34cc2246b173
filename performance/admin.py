from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BenchmarkFigure, BenchmarkMeasure


class BenchmarkFigureInline(admin.TabularInline):
    model = BenchmarkFigure
    extra = 0
    fields = ["period", "force", "is_own_force", "value", "source"]


@admin.register(BenchmarkMeasure)
class BenchmarkMeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "unit", "comparison_group"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [BenchmarkFigureInline]


@admin.register(BenchmarkFigure)
class BenchmarkFigureAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "force", "is_own_force", "value"]
    list_filter = ["measure", "period", "is_own_force"]
    search_fields = ["force", "measure__name"]
