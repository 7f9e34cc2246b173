"""Summary pages: the archive, a summary, and "rebuild now" (administrators)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases.drilldown import figure_links
from oversight.errors import ApplicationError
from oversight.exports import Download, page_or_download, query_string
from oversight.models import User
from oversight.roles import Cap, capability_required, has_capability

from . import selectors, tasks
from .builders import parse_period, render_summary, summary_table
from .models import SummaryBuild, SummaryKind


class RebuildForm(forms.Form):
    kind = forms.ChoiceField(label="Summary", choices=SummaryKind.choices, widget=forms.Select(attrs={}))
    period = forms.CharField(
        label="Period",
        help_text="Month YYYY-MM (monthly), quarter YYYY-YY-QN (quarterly RAG) or day YYYY-MM-DD (digest).",
        max_length=16,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and data.get("period"):
            try:
                data["period"] = parse_period(data["kind"], data["period"].strip()).key
            except ApplicationError as exc:
                self.add_error("period", exc.message)
        return data


def _archive(request: HttpRequest, *, form: RebuildForm | None = None, status: int = 200) -> HttpResponseBase:
    """The archive filtered by ``kind`` and ``period`` (GET), or its CSV/XLSX; with a bound
    rebuild ``form`` when an administrator's request needs its errors shown."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in SummaryKind.values else ""
    period = request.GET.get("period", "").strip()[:16]
    rows = selectors.summaries_visible_to(request.user).defer("data", "html")
    if kind:
        rows = rows.filter(kind=kind)
    if period:  # "2025" finds every summary of 2025 and 2025-26; "2025-26-Q2" one quarter
        rows = rows.filter(period__startswith=period)
    can_rebuild = has_capability(request.user, Cap.SUMMARIES_REBUILD)
    return page_or_download(
        request,
        template="summaries/summary_list.html",
        context=lambda: {
            "period": period,
            "page_obj": Paginator(rows, 25).get_page(request.GET.get("page")),
            "kinds": SummaryKind.choices,
            "kind": kind,
            "query_string": query_string(request),
            "can_rebuild": can_rebuild,
            "form": form or RebuildForm(),
            "builds": selectors.latest_builds(limit=10) if can_rebuild else [],
        },
        download=Download(
            filename="summaries",
            headers=["Kind", "Period", "From", "To", "Built at"],
            rows=rows.iterator(),
            row=lambda s: [s.get_kind_display(), s.period, s.period_start, s.period_end, s.built_at],
        ),
        status=status,
    )


@capability_required(Cap.SUMMARIES_VIEW)
def summary_list(request: HttpRequest) -> HttpResponseBase:
    return _archive(request)


@capability_required(Cap.SUMMARIES_VIEW)
def summary_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    summary = get_object_or_404(selectors.summaries_visible_to(request.user), pk=pk)
    headers, rows = summary_table(summary)
    return page_or_download(
        request,
        template="summaries/summary_detail.html",
        context=lambda: {
            "summary": summary,
            "body": _body(request, summary),
            "builds": _builds_shown(request, summary),
        },
        download=Download(filename=f"{summary.kind}-{summary.period}", headers=headers, rows=rows),
    )


def _body(request: HttpRequest, summary: Any) -> str:
    """The stored HTML, or for a user who may see investigations the monthly summary rendered again
    with its counts linked to the investigations behind them."""
    links = figure_links(request.user)
    if links.enabled and summary.kind == SummaryKind.MONTHLY_PERFORMANCE:
        return render_summary(summary, links=links, request=request)
    return summary.html


def _builds_shown(request: HttpRequest, summary: Any) -> Any:
    """Build history is shown to administrators only: don't query it for anyone else."""
    if not has_capability(request.user, Cap.SUMMARIES_REBUILD):
        return []
    return summary.builds.select_related("triggered_by")[:10]


@capability_required(Cap.SUMMARIES_REBUILD)
@require_http_methods(["POST"])
def summary_rebuild(request: HttpRequest) -> HttpResponseBase:
    form = RebuildForm(request.POST)
    if not form.is_valid():
        return _archive(request, form=form, status=400)
    build = tasks.queue_rebuild(
        kind=form.cleaned_data["kind"],
        period_key=form.cleaned_data["period"],
        actor=cast(User, request.user),  # capability_required: signed in
    )
    what = f"{build.get_kind_display().lower()} {build.period}"
    if build.status == SummaryBuild.Status.UNSENT:
        messages.warning(
            request,
            f"The task queue is not answering, so the rebuild of {what} could not be sent yet. "
            "It is saved as waiting to be sent and will be sent automatically within a few minutes of the "
            "queue answering again: there is no need to ask again.",
        )
    else:
        messages.success(request, f"Rebuild of {what} queued.")
    return redirect("summaries:summary_build", pk=build.pk)


@capability_required(Cap.SUMMARIES_REBUILD)
def summary_build(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_object_or_404(SummaryBuild.objects.select_related("summary", "triggered_by"), pk=pk)
    in_progress = build.status in (SummaryBuild.Status.UNSENT, SummaryBuild.Status.QUEUED, SummaryBuild.Status.RUNNING)
    return render(request, "summaries/summary_build.html", {"build": build, "in_progress": in_progress})
