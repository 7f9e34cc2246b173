"""Pages of the commitments app: RAG overview, commitment, my commitments, boards, scrutiny queue, report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from oversight.concurrency import version_token, versioned
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, page_or_download, query_string
from oversight.roles import Cap, capability_required
from performance.selectors import latest_benchmark_table

from . import evidence as evidence_reads
from . import rules, selectors, services
from .choices import RAG_DEFINITIONS, Rating
from .filters import CommitmentFilter
from .forms import (
    ActionStatusForm,
    BoardActionForm,
    CorrectForm,
    MeetingForm,
    OpenPeriodForm,
    ProgressUpdateForm,
    PublishForm,
    ReviewForm,
)
from .models import Board, BoardAction, BoardMeeting, Commitment, ProgressUpdate, RagAssessment, period_label
from .report_docx import DOCX_CONTENT_TYPE, build_report_docx

RATING_LABELS = dict(Rating.choices)
# The benchmark the report's appendix compares (paragraph 4.2 of the force's report: live SROs).
REPORT_BENCHMARK = "live-sros"


def _label(rating: str | None) -> str:
    return RATING_LABELS.get(rating or "", "Not published")


# --- RAG overview -------------------------------------------------------------------------


@capability_required(Cap.COMMITMENTS_VIEW)
def overview(request: HttpRequest) -> HttpResponseBase:
    """Commitments × the last 8 quarters, coloured tag plus text; filter by chapter, board, lead."""
    filterset = CommitmentFilter(request.GET or None, queryset=selectors.commitment_list(user=request.user))
    form, commitments = filterset.form, filterset.qs
    errors: list[str] = []
    try:
        grid = selectors.rag_grid(user=request.user, end_key=request.GET.get("to") or None, commitments=commitments)
    except ApplicationError as exc:
        errors.append(exc.message)
        grid = selectors.rag_grid(user=request.user, commitments=commitments)
    return page_or_download(
        request,
        template="commitments/overview.html",
        context={
            "grid": grid,
            "form": form,
            "errors": errors,
            "query_string": query_string(request),
            "filter_query": query_string(request, drop=("page", "format", "to")),
            "definitions": RAG_DEFINITIONS,
        },
        download=Download(
            filename=f"rag-overview-{grid['end_key']}",
            headers=[
                "Action ref",
                "Commitment",
                "Chapter",
                "Lead officer",
                "Board",
                *(q["label"] for q in grid["quarters"]),
            ],
            rows=grid["rows"],
            row=lambda row: [
                row["commitment"].action_ref,
                row["commitment"].text,
                row["commitment"].chapter.title,
                str(row["commitment"].lead or ""),
                str(row["commitment"].board or ""),
                *[_label(cell.rating) for cell in row["cells"]],
            ],
        ),
        status=400 if errors else 200,
    )


def _history_rows(kind: str, records: Any) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        change = record.get_history_type_display()
        if kind == "RAG assessment":
            change += f": v{record.version} {record.get_status_display()}"
            if record.rating:
                change += f", rating {_label(record.rating)}"
        elif kind == "Progress update":
            change += f": proposed {_label(record.proposed_rating)}"
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "record": f"{kind} {record.period.label}" if hasattr(record, "period") else kind,
                "change": change,
            }
        )
    return rows


@capability_required(Cap.COMMITMENTS_VIEW)
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A commitment with all its updates, assessments (every version) and change history."""
    try:
        commitment = selectors.commitment_detail(user=request.user, pk=pk)
    except Commitment.DoesNotExist as exc:
        raise Http404 from exc
    reporting_key = selectors.reporting_key(commitment.plan)
    current = next((a for a in commitment.assessments.all() if a.period.key == reporting_key), None)
    if current is not None:
        evidence = evidence_reads.assessment_evidence(assessment=current)
    else:
        evidence = evidence_reads.with_conflicts(
            evidence_reads.commitment_evidence(commitment=commitment, period=reporting_key), None
        )
    history = sorted(
        [
            *_history_rows("Commitment", commitment.history.select_related("history_user")[:50]),
            *_history_rows(
                "Progress update",
                ProgressUpdate.history.filter(commitment_id=pk).select_related("history_user", "period")[:100],
            ),
            *_history_rows(
                "RAG assessment",
                RagAssessment.history.filter(commitment_id=pk).select_related("history_user", "period")[:200],
            ),
        ],
        key=lambda h: h["when"],
        reverse=True,
    )
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "reporting_key": reporting_key,
            "reporting_label": period_label(reporting_key),
            "can_write": rules.can_write_progress(request.user, commitment),
            "can_review": rules.can_review(request.user, commitment),
            "can_publish": rules.can_publish(request.user),
            "can_edit_indicators": rules.can_edit_indicators(request.user, commitment),
            "indicators": commitment.indicators.all(),
            "evidence": evidence,
            "history": history,
        },
    )


@capability_required(Cap.PROGRESS_WRITE_OWN)
def my_commitments(request: HttpRequest) -> HttpResponseBase:
    """The lead's own commitments and what is due for the quarter being reported on."""
    key = selectors.reporting_key()
    rows = selectors.my_commitments(user=request.user, period_key=key)
    return page_or_download(
        request,
        template="commitments/my_commitments.html",
        context={
            "rows": rows,
            "period_key": key,
            "period_label": period_label(key),
            "due": sum(r["due"] for r in rows),
        },
        download=Download(
            filename=f"my-commitments-{key}",
            headers=["Action ref", "Commitment", "Board", f"{period_label(key)} status", "Proposed", "Published"],
            rows=rows,
            row=lambda r: [
                r["commitment"].action_ref,
                r["commitment"].text,
                str(r["commitment"].board or ""),
                r["state"],
                _label(r["assessment"].proposed_rating) if r["assessment"] else "",
                _label(r["assessment"].rating) if r["assessment"] else "",
            ],
        ),
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PROGRESS_WRITE_OWN, Cap.RAG_PROPOSE_OWN)
def update_edit(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The lead writes or revises the quarter's progress update and proposes a rating."""
    commitment = get_object_or_404(Commitment.objects.select_related("board", "lead"), pk=pk)
    rules.require_progress_writer(request.user, commitment)
    try:
        selectors.known_quarter(period)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    existing = ProgressUpdate.objects.filter(commitment=commitment, period__key=period).first()
    current = RagAssessment.objects.filter(commitment=commitment, period__key=period).order_by("-version").first()
    initial = {"narrative": existing.narrative, "proposed_rating": existing.proposed_rating} if existing else {}
    initial["version"] = version_token(existing)  # "0" while there is none: a form sent twice is caught
    form = ProgressUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_submit(
                commitment=commitment,
                period_key=period,
                narrative=form.cleaned_data["narrative"],
                proposed_rating=form.cleaned_data["proposed_rating"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Update for {commitment.action_ref} ({period_label(period)}) submitted.")
            return redirect("commitments:commitment_detail", pk=commitment.pk)
    return render(
        request,
        "commitments/update_form.html",
        {
            "commitment": commitment,
            "period_key": period,
            "period_label": period_label(period),
            "form": form,
            "current": current,
            "definitions": RAG_DEFINITIONS,
            # The lead is choosing a rating: say what the evidence holds against Green before they do.
            "evidence": evidence_reads.with_conflicts(
                evidence_reads.commitment_evidence(commitment=commitment, period=period), Rating.GREEN
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _assessment(pk: int) -> RagAssessment:
    return get_object_or_404(selectors.assessment_queryset(), pk=pk)


def _update_for(assessment: RagAssessment) -> ProgressUpdate | None:
    return ProgressUpdate.objects.filter(commitment=assessment.commitment, period=assessment.period).first()


@require_http_methods(["GET", "POST"])
@capability_required(Cap.RAG_REVIEW_OWN_BOARD)
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair of the overseeing board endorses or challenges a proposed rating."""
    assessment = _assessment(pk)
    rules.require_reviewer(request.user, assessment.commitment)
    rules.require_not_proposer(request.user, assessment)
    rules.require_one_step(request.user, assessment, step="review")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rag_review(
                assessment=assessment,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            verb = "endorsed" if form.cleaned_data["decision"] == "endorse" else "challenged"
            messages.success(request, f"You {verb} the rating of {assessment.commitment.action_ref}.")
            return redirect("commitments:board_detail", pk=assessment.commitment.board_id)
    return render(
        request,
        "commitments/assessment_review.html",
        {
            "assessment": assessment,
            "update": _update_for(assessment),
            "form": form,
            "evidence": evidence_reads.assessment_evidence(assessment=assessment),
        },
        status=400 if request.method == "POST" else 200,
    )


class _Checked(Exception):
    """Raised to roll back a checked-but-unconfirmed irreversible action."""


def _check_or_do(request: HttpRequest, act: Any) -> bool:
    """Run ``act`` for real only when the POST comes from the confirmation page.

    Otherwise run it inside a transaction that is rolled back, so the service (the one home of
    the rules) reports any error before the confirmation page is shown. Returns True when done.
    """
    if request.POST.get("confirm") == "yes":
        act()
        return True
    try:
        with transaction.atomic():
            act()
            raise _Checked
    except _Checked:
        pass
    return False


@require_http_methods(["GET", "POST"])
@capability_required(Cap.RAG_PUBLISH)
def assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The OPCC assigns and publishes the rating, with a rationale."""
    assessment = _assessment(pk)
    rules.require_not_proposer(request.user, assessment)
    rules.require_one_step(request.user, assessment, step="publish")
    initial = {"rating": assessment.proposed_rating}
    form = PublishForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if assessment.is_published:
        errors.append("This rating is already published: record a correction instead.")
    elif request.method == "POST" and form.is_valid():
        try:
            done = _check_or_do(
                request,
                lambda: services.rag_publish(
                    assessment=assessment,
                    rating=form.cleaned_data["rating"],
                    rationale=form.cleaned_data["rationale"],
                    acknowledge_conflict=form.cleaned_data["acknowledge_conflict"],
                    actor=request.user,
                ),
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            if not done:
                return _confirm_page(request, assessment, form, action="publish")
            messages.success(
                request,
                f"Published {_label(form.cleaned_data['rating'])} for {assessment.commitment.action_ref} "
                f"({assessment.period.label}).",
            )
            return redirect("commitments:scrutiny_queue")
    return render(
        request,
        "commitments/assessment_publish.html",
        {
            "assessment": assessment,
            "update": _update_for(assessment),
            "form": form,
            "errors": errors,
            # The OPCC may publish another rating than proposed: judge the evidence against Green.
            "evidence": evidence_reads.with_conflicts(
                evidence_reads.assessment_evidence(assessment=assessment), Rating.GREEN
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.RAG_PUBLISH)
def assessment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The OPCC corrects a published rating: a new version with a reason."""
    assessment = _assessment(pk)
    rules.require_not_proposer(request.user, assessment)
    rules.require_one_step(request.user, assessment, step="publish")
    form = CorrectForm(request.POST or None, initial={"rating": assessment.rating})
    if request.method == "POST" and form.is_valid():
        try:
            done = _check_or_do(
                request,
                lambda: services.rag_correct(
                    assessment=assessment,
                    rating=form.cleaned_data["rating"],
                    rationale=form.cleaned_data["rationale"],
                    reason=form.cleaned_data["reason"],
                    acknowledge_conflict=form.cleaned_data["acknowledge_conflict"],
                    actor=request.user,
                ),
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            if not done:
                return _confirm_page(request, assessment, form, action="correct")
            messages.success(request, f"Correction recorded for {assessment.commitment.action_ref}.")
            return redirect("commitments:commitment_detail", pk=assessment.commitment_id)
    return render(
        request,
        "commitments/assessment_correct.html",
        {
            "assessment": assessment,
            "form": form,
            "evidence": evidence_reads.with_conflicts(
                evidence_reads.commitment_evidence(
                    commitment=assessment.commitment, period=assessment.period.key, trend=False
                ),
                Rating.GREEN,
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _confirm_page(request: HttpRequest, assessment: RagAssessment, form: Any, *, action: str) -> HttpResponse:
    """Say what publishing or correcting will do; the "Confirm" button posts the same answers again."""
    return render(
        request,
        "commitments/assessment_confirm.html",
        {
            "assessment": _assessment(assessment.pk),  # the checked run changed the instance in memory
            "form": form,
            "action": action,
            "rating_label": _label(form.cleaned_data["rating"]),
        },
    )


@capability_required(Cap.RAG_PUBLISH)
def scrutiny_queue(request: HttpRequest) -> HttpResponseBase:
    """Ratings the boards have reviewed, waiting for the OPCC to publish."""
    queue = list(selectors.scrutiny_queue(user=request.user))
    conflicts = evidence_reads.queue_conflicts(queue)
    for assessment in queue:
        assessment.evidence_conflicts = conflicts.get(assessment.pk, [])  # type: ignore[attr-defined]  # for the page
    return page_or_download(
        request,
        template="commitments/scrutiny_queue.html",
        context=lambda: _scrutiny_context(queue),
        download=Download(
            filename="scrutiny-queue",
            headers=[
                "Period",
                "Action ref",
                "Commitment",
                "Lead",
                "Board",
                "Proposed",
                "Board decision",
                "Comment",
                "Evidence conflicts",
            ],
            rows=queue,
            row=lambda a: [
                a.period.key,
                a.commitment.action_ref,
                a.commitment.text,
                str(a.commitment.lead or ""),
                str(a.commitment.board or ""),
                _label(a.proposed_rating),
                a.get_status_display(),
                a.review_comment,
                " ".join(conflicts.get(a.pk, [])),
            ],
        ),
    )


def _scrutiny_context(queue: list[RagAssessment]) -> dict[str, Any]:
    plan = selectors.current_plan()
    return {
        "queue": queue,
        "awaiting_board": selectors.awaiting_board_count(),
        "plan": plan,
        "reporting_key": selectors.reporting_key(plan),
        "open_form": OpenPeriodForm(),
    }


@require_POST
@capability_required(Cap.RAG_PUBLISH)
def open_period(request: HttpRequest) -> HttpResponse:
    """The OPCC opens the next reporting round (the quarter leads now report on)."""
    plan = selectors.current_plan()
    form = OpenPeriodForm(request.POST)
    if plan is None:
        messages.error(request, "There is no plan to report on.")
    elif not form.is_valid():
        messages.error(request, "Give the period to open, e.g. 2025-26-Q3.")
    else:
        try:
            services.reporting_period_open(plan=plan, period_key=form.cleaned_data["period"], actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Leads now report on {period_label(form.cleaned_data['period'])}.")
    return redirect("commitments:scrutiny_queue")


# --- the report to the Commissioner ---------------------------------------------------------


@capability_required(Cap.COMMITMENTS_VIEW)
def report(request: HttpRequest) -> HttpResponseBase:
    """The report to the Commissioner for a quarter (default: the latest whose ratings are all
    published): the page (printable on A4), the Word file, and its tables as CSV/XLSX."""
    key = request.GET.get("period") or selectors.default_report_key()
    try:
        quarter = selectors.known_quarter(key)
        benchmark = latest_benchmark_table(user=request.user, code=REPORT_BENCHMARK, up_to=quarter.key)
        document = selectors.report_document(user=request.user, period_key=quarter.key, benchmark=benchmark)
    except ApplicationError as exc:
        return render(request, "commitments/report.html", {"errors": [exc.message], "period_key": key}, status=400)
    if request.GET.get("format") == "docx":
        response = HttpResponse(build_report_docx(document), content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="rag-report-{document["period"]}.docx"'
        return response
    period = document["period"]
    downloads = {
        "annex": Download(
            filename=f"rag-annex-{period}",
            headers=["Action ref", "Commitment", f"{document['label']} deliverable rating", "Previous quarter rating"],
            rows=document["rows"],
            row=lambda r: [r["action_ref"], r["commitment"], _label(r["rating"]), _label(r["previous_rating"])],
        ),
        "evidence": Download(
            filename=f"rag-evidence-{period}",
            headers=["Action ref", *selectors.EVIDENCE_HEADERS],
            rows=[(s["action_ref"], cells) for s in document["sections"] for cells in s["evidence_cells"]],
            row=lambda pair: [pair[0], *pair[1]],
        ),
    }
    for table in (document["kpis"], document["benchmark"]):
        if table is not None:
            downloads[table.key] = table.as_download(f"rag-report-{table.key}-{period}")
    return page_or_download(
        request,
        template="commitments/report.html",
        context=lambda: _report_context(document),
        download=downloads,
    )


def _report_context(document: dict[str, Any]) -> dict[str, Any]:
    kpis = document["kpis"]
    chart = None
    if kpis is not None:
        chart = {
            "type": "bar",
            "horizontal": True,
            "percent": True,
            "legend": True,
            "yLabel": "Positive outcome rate",
            "labels": [row[0] for row in kpis.rows],
            "datasets": [
                {"label": document["label"], "data": [row[2] for row in kpis.rows]},
                # Grey, as in the Word file's chart: last year is the comparison, not the news.
                {
                    "label": document["last_year_label"],
                    "data": [row[5] for row in kpis.rows],
                    "backgroundColor": "#b1b4b6",
                    "borderColor": "#b1b4b6",
                },
            ],
        }
    period = document["period"]
    return {
        "document": document,
        "period_key": period,
        "query_string": f"period={period}",
        "evidence_query": f"period={period}&table=evidence",
        "kpis_query": f"period={period}&table=kpis",
        "benchmark_query": f"period={period}&table=benchmark",
        "evidence_headers": selectors.EVIDENCE_HEADERS,
        "no_evidence": selectors.NO_EVIDENCE,
        "chart": chart,
    }


# --- boards -------------------------------------------------------------------------------


@capability_required(Cap.BOARDS_VIEW)
def board_list(request: HttpRequest) -> HttpResponseBase:
    boards = list(selectors.board_list(user=request.user))
    return page_or_download(
        request,
        template="commitments/board_list.html",
        context={"boards": boards},
        download=Download(
            filename="boards",
            headers=["Board", "Chair", "Cadence", "Commitments", "Meetings", "Ratings awaiting review"],
            rows=boards,
            row=lambda b: [
                b.name,
                str(b.chair or ""),
                b.get_cadence_display(),
                b.commitment_count,
                b.meeting_count,
                b.pending_count or 0,
            ],
        ),
    )


@capability_required(Cap.BOARDS_VIEW)
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A board: its commitments, ratings awaiting its review, meetings, decisions and actions."""
    try:
        board = selectors.board_detail(user=request.user, pk=pk)
    except Board.DoesNotExist as exc:
        raise Http404 from exc
    is_chair = rules.can_manage_board(request.user, board)
    pending = list(selectors.board_pending(board=board))
    return render(
        request,
        "commitments/board_detail.html",
        {
            "board": board,
            "is_chair": is_chair,
            "can_review": rules.can_review_board(request.user, board),
            "pending": pending,
            "status_form": ActionStatusForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.BOARDS_MANAGE_OWN)
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair records a meeting of their board."""
    board = get_object_or_404(Board, pk=pk)
    rules.require_board_manager(request.user, board)
    form = MeetingForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                board=board,
                date=data["date"],
                attendees=data["attendees"],
                other_attendees=data["other_attendees"],
                commitments_reviewed=data["commitments_reviewed"],
                minutes=data["minutes"],
                decisions=data["decisions"],
                actor=request.user,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Meeting of {date_format(meeting.date)} recorded.")
            return redirect("commitments:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "commitments/meeting_form.html",
        {"board": board, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.BOARDS_VIEW)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        meeting = selectors.meeting_detail(user=request.user, pk=pk)
    except BoardMeeting.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "commitments/meeting_detail.html",
        {
            "meeting": meeting,
            "is_chair": rules.can_manage_board(request.user, meeting.board),
            "status_form": ActionStatusForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.BOARDS_MANAGE_OWN)
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair records an action set at a meeting of their board."""
    meeting = get_object_or_404(BoardMeeting.objects.select_related("board"), pk=pk)
    rules.require_board_manager(request.user, meeting.board)
    form = BoardActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_action_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Board action added.")
            return redirect("commitments:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "commitments/action_form.html",
        {"meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@capability_required(Cap.BOARDS_MANAGE_OWN)
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair moves a board action on."""
    action = get_object_or_404(BoardAction.objects.select_related("meeting__board"), pk=pk)
    rules.require_board_manager(request.user, action.meeting.board)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
    else:
        try:
            with versioned(action, form.cleaned_data["version"], noun="board action"):
                services.board_action_set_status(action=action, status=form.cleaned_data["status"], actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)  # nothing saved; the page shows the current status
        else:
            messages.success(request, "Action status updated.")
    return redirect(reverse("commitments:meeting_detail", kwargs={"pk": action.meeting_id}))
