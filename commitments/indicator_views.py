"""Pages to add and change a commitment's indicators: the system owner or the commitment's lead."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from oversight.concurrency import version_token, versioned
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.roles import Cap, capability_required

from . import rules, services
from .forms import IndicatorForm
from .models import Commitment, CommitmentIndicator


def _edit(request: HttpRequest, commitment: Commitment, indicator: CommitmentIndicator | None) -> HttpResponse:
    rules.require_indicator_editor(request.user, commitment)
    form = IndicatorForm(
        request.POST or None, instance=indicator, commitment=commitment, initial={"version": version_token(indicator)}
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        board_actions = data.pop("board_actions")
        try:
            with versioned(indicator, data.pop("version"), noun="indicator"):
                saved = services.indicator_save(
                    commitment=commitment,
                    indicator=indicator,
                    board_actions=board_actions,
                    actor=request.user,
                    **data,
                )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Indicator “{saved.name}” saved for {commitment.action_ref}.")
            return redirect("commitments:commitment_detail", pk=commitment.pk)
    return render(
        request,
        "commitments/indicator_form.html",
        {"commitment": commitment, "indicator": indicator, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.COMMITMENTS_VIEW)
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an indicator to a commitment."""
    commitment = get_object_or_404(Commitment.objects.select_related("board", "lead"), pk=pk)
    return _edit(request, commitment, None)


@require_http_methods(["GET", "POST"])
@capability_required(Cap.COMMITMENTS_VIEW)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an indicator's slice, baseline, target, direction or links."""
    indicator = get_object_or_404(
        CommitmentIndicator.objects.select_related("commitment__board", "commitment__lead"), pk=pk
    )
    return _edit(request, indicator.commitment, indicator)
