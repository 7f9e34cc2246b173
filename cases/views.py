"""Pages of the investigation register: list (filters, sorting, export), detail, forms, CSV import."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Field
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from oversight.accesslog import record_access
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, Table, export_format, page_or_download, query_string
from oversight.forms import rendered_fields
from oversight.models import AccessKind
from oversight.periods import months_later
from oversight.roles import Cap, capability_required, has_capability

from . import exports, jobs, quality, selectors, services
from .analytics import BAIL_EXPIRY_DAYS
from .drilldown import drilldown_from
from .exports import EXPORT_COLUMNS, export_rows
from .forms import (
    BreachForm,
    ImportChoiceForm,
    ImportForm,
    ImportProfileForm,
    InvestigationForm,
    OrderForm,
    QualityPeriodForm,
    ReferralForm,
)
from .importer import ALL_COLUMNS as ALL_IMPORT_COLUMNS
from .importer import COLUMNS as IMPORT_COLUMNS
from .importer import EXTRA_COLUMNS, V2_COLUMNS, ImportRejected, import_investigations, preview
from .kpis import FILTER_PARAMS, parse_kpi_date, resolve_filters
from .models import CpsReferral, ExportJob, ImportJob, ImportProfile, Investigation, OrderBreach, ProtectiveOrder
from .orders_import import ORDER_COLUMNS, import_orders
from .pagination import RegisterPaginator
from .profiles import column_entries, sources_by_field, value_lines
from .rules import ORDER_DURATION_WORDS

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 1000


@capability_required(Cap.INVESTIGATIONS_VIEW)
def investigation_list(request: HttpRequest) -> HttpResponseBase:
    """The register: filters, sorting, pagination; ``?format=csv|xlsx`` downloads the filtered list.

    With ``measure``, ``from``, ``to`` (and the KPI filters) it lists the investigations behind a
    figure (:mod:`cases.drilldown`) and says so in words; bad parameters get an error summary (400).
    """
    try:
        drilldown = drilldown_from(request.GET)
    except ApplicationError as exc:
        errors = [f"{name}: {messages[0]}" for name, messages in exc.extra.items()] or [exc.message]
        return render(request, "cases/investigation_list.html", {"errors": errors}, status=400)
    filterset = selectors.investigation_list(user=request.user, filters=request.GET, drilldown=drilldown)
    if filterset.errors:
        # A refused filter value is named in the error summary; nothing is listed (400, as the API).
        return render(
            request,
            "cases/investigation_list.html",
            {
                "filter": filterset,
                "form": filterset.form,
                "filter_fields": rendered_fields(filterset.form, skip=("ordering",)),
                "filter_errors": True,
            },
            status=400,
        )
    queryset = selectors.register_ordered(filterset.qs)
    record_access(request, AccessKind.INVESTIGATION_EXPORT if export_format(request) else AccessKind.INVESTIGATION_LIST)

    def context() -> dict[str, Any]:
        paginator = RegisterPaginator(
            selectors.register_table(queryset),
            PAGE_SIZE,
            estimate=drilldown is None and filterset.is_full_register(),
        )
        page_obj = paginator.get_page(request.GET.get("page"))
        return {
            "filter": filterset,
            "form": filterset.form,
            "filter_fields": rendered_fields(filterset.form, skip=("ordering",)),
            "page_obj": page_obj,
            "rows": selectors.register_rows(list(page_obj)),
            "query_string": query_string(request),
            "sort_query": query_string(request, drop=("page", "format", "ordering")),
            "sort": request.GET.get("ordering", ""),
            "sort_columns": SORT_COLUMNS,
            "can_edit": has_capability(request.user, Cap.INVESTIGATIONS_EDIT),
            "drilldown": drilldown,
            "drilldown_description": drilldown.describe(page_obj.paginator.count) if drilldown else "",
            "dashboard_query": urlencode(drilldown.dashboard_query()) if drilldown else "",
        }

    filename = (
        f"investigations-{drilldown.measure}-{drilldown.date_from}-{drilldown.date_to}"
        if drilldown
        else "investigations"
    )
    if export_format(request) == "csv" and connection.vendor == "postgresql":
        response = StreamingHttpResponse(exports.copy_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export_format(request) == "xlsx":
        rows_total = queryset.count()
        if rows_total > exports.XLSX_INLINE_ROWS:
            # Too large to build within a request: built in the background, downloaded when ready.
            job = exports.start_xlsx_job(
                user=request.user,
                query=query_string(request, drop=("page", "format")),
                filename=filename,
                rows_total=rows_total,
            )
            return redirect("cases:export_job", token=job.token)
    return page_or_download(
        request,
        template="cases/investigation_list.html",
        context=context,
        # The import's own columns, so an export can be corrected and re-imported.
        download=Download(
            filename=filename,
            headers=list(EXPORT_COLUMNS),
            rows=export_rows(queryset),
        ),
    )


@capability_required(Cap.INVESTIGATIONS_VIEW)
def export_job(request: HttpRequest, token: str) -> HttpResponse:
    """A background download's progress (the page refreshes itself), then its download link."""
    job = selectors.export_job(user=request.user, token=token)
    context = {"job": job, "Status": ExportJob.Status, "keep_hours": exports.EXPORT_KEEP_HOURS}
    return render(request, "cases/export_job.html", context)


@capability_required(Cap.INVESTIGATIONS_VIEW)
def export_job_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """The built file, for its owner only; logged as a case-level export; never cached."""
    job = selectors.export_job(user=request.user, token=token)
    if job.status != ExportJob.Status.READY or not job.path:
        raise Http404("This download is not ready.")
    path = Path(settings.MEDIA_ROOT) / job.path
    if not path.is_file():
        raise Http404("This download has been deleted: ask for it again.")
    record_access(request, AccessKind.INVESTIGATION_EXPORT)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"{job.filename}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


SORT_COLUMNS = [
    ("crime_reference", "Crime reference"),
    ("strand", "Strand"),
    ("offence_group", "Offence group"),
    ("lpa", "LPA"),
    ("team", "Team"),
    ("recorded_date", "Recorded"),
    ("outcome_type", "Outcome"),
    ("outcome_date", "Outcome date"),
]


@capability_required(Cap.INVESTIGATIONS_VIEW)
def investigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_detail(user=request.user, pk=pk)
    record_access(
        request, AccessKind.INVESTIGATION, object_id=investigation.pk, reference=investigation.crime_reference
    )
    return render(
        request,
        "cases/investigation_detail.html",
        {
            "investigation": investigation,
            "history": selectors.investigation_history(user=request.user, investigation=investigation),
            "register_v2": _register_v2_sections(investigation),
            "can_edit": has_capability(request.user, Cap.INVESTIGATIONS_EDIT),
        },
    )


REGISTER_V2_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Offence and people", (
        "reported_date", "ho_offence", "da_flag", "victim_id", "victim_sex", "victim_age", "victim_ethnicity",
        "suspect_id", "suspect_sex", "suspect_age", "suspect_ethnicity", "relationship",
    )),
    ("Suspect, bail, CPS and court", (
        "suspect_status", "bail_start_date", "bail_expiry_date", "rui_start_date", "withdrawal_reason",
        "evidence_led_considered", "cps_file_submitted_date", "cps_action_plans", "first_hearing_date",
        "trial_date", "sentence_date",
    )),
)  # fmt: skip


def _register_v2_sections(investigation: Investigation) -> list[tuple[str, list[tuple[str, Any]]]]:
    """(heading, [(label, value shown)]) for the register v2 facts of the detail page."""
    sections = []
    for heading, names in REGISTER_V2_SECTIONS:
        rows = []
        for name in names:
            field = cast(Field, Investigation._meta.get_field(name))
            value = getattr(investigation, name)
            if getattr(field, "choices", None) and value:
                value = getattr(investigation, f"get_{name}_display")()
            elif hasattr(value, "strftime"):
                value = f"{value:%-d %B %Y}"
            label = str(field.verbose_name)
            rows.append((label[:1].upper() + label[1:], "" if value is None else value))
        sections.append((heading, rows))
    return sections


def _bound(request: HttpRequest, *, files: bool = False) -> tuple[Any, ...]:
    """Form arguments: bound on POST (even an empty one, so missing fields are errors), unbound on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if context["form"].errors else 200)


@capability_required(Cap.INVESTIGATIONS_EDIT)
def investigation_create(request: HttpRequest) -> HttpResponse:
    form = InvestigationForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("flags", "version")}
        try:
            investigation = services.investigation_create(
                actor=request.user, data=data, flags=form.cleaned_data["flags"]
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Investigation {investigation.crime_reference} recorded.")
            return redirect("cases:investigation_detail", pk=investigation.pk)
    return _form_page(request, "cases/investigation_form.html", {"form": form, "investigation": None})


@capability_required(Cap.INVESTIGATIONS_EDIT)
def investigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_detail(user=request.user, pk=pk)
    form = InvestigationForm(*_bound(request), instance=investigation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("flags", "crime_reference", "version")}
        try:
            # The form has already copied its values onto ``investigation``: the service compares
            # them with the stored record, so it gets a fresh copy.
            services.investigation_update(
                investigation=Investigation.objects.get(pk=investigation.pk),
                actor=request.user,
                data=data,
                flags=form.cleaned_data["flags"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Investigation {investigation.crime_reference} updated.")
            return redirect("cases:investigation_detail", pk=investigation.pk)
    return _form_page(request, "cases/investigation_form.html", {"form": form, "investigation": investigation})


def _related_form(
    request: HttpRequest,
    *,
    form_class: type,
    instance: Any,
    investigation: Investigation,
    save: Any,
    title: str,
    done: str,
) -> HttpResponse:
    form = form_class(*_bound(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                save(form.instance, form.cleaned_data.get("version"))
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:investigation_detail", pk=investigation.pk)
    return _form_page(
        request, "cases/related_form.html", {"form": form, "investigation": investigation, "title": title}
    )


@capability_required(Cap.INVESTIGATIONS_EDIT)
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_detail(user=request.user, pk=pk)
    return _related_form(
        request,
        form_class=ReferralForm,
        instance=CpsReferral(investigation=investigation),
        investigation=investigation,
        save=lambda referral, version: services.referral_save(
            referral=referral, actor=request.user, expected_version=version
        ),
        title="Add a CPS referral",
        done="CPS referral added.",
    )


@capability_required(Cap.INVESTIGATIONS_EDIT)
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(CpsReferral.objects.select_related("investigation"), pk=pk)
    return _related_form(
        request,
        form_class=ReferralForm,
        instance=referral,
        investigation=referral.investigation,
        save=lambda referral, version: services.referral_save(
            referral=referral, actor=request.user, expected_version=version
        ),
        title="Change a CPS referral",
        done="CPS referral updated.",
    )


@capability_required(Cap.INVESTIGATIONS_EDIT)
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_detail(user=request.user, pk=pk)
    return _related_form(
        request,
        form_class=OrderForm,
        instance=ProtectiveOrder(investigation=investigation),
        investigation=investigation,
        save=lambda order, version: services.order_save(order=order, actor=request.user, expected_version=version),
        title="Add a protective order",
        done="Protective order added.",
    )


@capability_required(Cap.INVESTIGATIONS_EDIT)
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(ProtectiveOrder.objects.select_related("investigation"), pk=pk)
    return _related_form(
        request,
        form_class=OrderForm,
        instance=order,
        investigation=order.investigation,
        save=lambda order, version: services.order_save(order=order, actor=request.user, expected_version=version),
        title="Change a protective order",
        done="Protective order updated.",
    )


@capability_required(Cap.INVESTIGATIONS_EDIT)
def breach_create(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(ProtectiveOrder.objects.select_related("investigation"), pk=pk)
    return _related_form(
        request,
        form_class=BreachForm,
        instance=OrderBreach(order=order),
        investigation=order.investigation,
        save=lambda breach, _version: services.breach_create(
            order=order, breach_date=breach.breach_date, arrest_made=breach.arrest_made, actor=request.user
        ),
        title=f"Record a breach of the {order.get_order_type_display()}",
        done="Breach recorded.",
    )


PREVIEW_ROWS = 10
PREVIEW_SESSION_KEY = "investigation_import_preview"


def _import_context(form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "columns": IMPORT_COLUMNS,
        "extra_columns": EXTRA_COLUMNS,
        "v2_columns": V2_COLUMNS,
        "can_manage_profiles": False,
        "background_rows": settings.IMPORT_BACKGROUND_ROWS,
    }


def _keep_for_import(request: HttpRequest, upload: Any, profile: ImportProfile | None) -> str:
    """Keep an upload (in the spool, for this user's session) until it is imported: a preview writes
    nothing. The session's earlier kept upload, and any left unimported too long, are deleted."""
    earlier = request.session.get(PREVIEW_SESSION_KEY) or {}
    jobs.discard(earlier.get("spool", ""))
    jobs.sweep_spool()
    name, rows = jobs.spool(upload.chunks(), prefix=jobs.PREVIEW_PREFIX)
    token = secrets.token_urlsafe(16)
    request.session[PREVIEW_SESSION_KEY] = {
        "token": token,
        "spool": name,
        "rows": rows,
        "name": upload.name,
        "profile": profile.pk if profile else None,
    }
    return token


def _kept(request: HttpRequest, token: str) -> tuple[str, int, str, ImportProfile | None] | None:
    """The kept upload named by ``token`` if it is this session's: (spool name, rows, file name, profile)."""
    kept = request.session.get(PREVIEW_SESSION_KEY) or {}
    if not token or kept.get("token") != token or jobs.spool_path(kept.get("spool", "")) is None:
        return None
    profile_id = kept.get("profile")
    profile = ImportProfile.objects.filter(pk=int(profile_id)).first() if profile_id else None
    return kept["spool"], int(kept.get("rows", 0)), kept.get("name", "file.csv"), profile


@capability_required(Cap.INVESTIGATIONS_EDIT)
def investigation_import(request: HttpRequest) -> HttpResponseBase:
    """Upload the records-system extract, read through a profile or not: ``Preview`` shows the first rows
    as mapped (nothing written); importing lists the errors, or a summary of what changed. A file of
    more than ``IMPORT_BACKGROUND_ROWS`` rows is imported in the background: its job's page follows it."""
    form = ImportChoiceForm(*_bound(request, files=True))
    context = _import_context(form)
    context["can_manage_profiles"] = has_capability(request.user, Cap.IMPORT_PROFILES_MANAGE)
    status = 200
    if request.method != "POST":
        return render(request, "cases/investigation_import.html", context)
    kept = _kept(request, request.POST.get("token", ""))
    if kept is not None:  # "Import this file" after a preview
        spooled, rows, name, profile = kept
        request.session.pop(PREVIEW_SESSION_KEY, None)
        if jobs.needs_background(rows):
            return _start_job(request, spooled=spooled, rows=rows, name=name, profile=profile)
        path = jobs.spool_path(spooled)
        try:
            with cast(Path, path).open("rb") as source:
                status = _run_import(request, context, source=source, name=name, profile=profile)
        finally:
            jobs.discard(spooled)  # imported or not: a file with errors is corrected and uploaded again
        if status == 200:
            context["form"] = ImportChoiceForm()
        return render(request, "cases/investigation_import.html", context, status=status)
    if not form.is_valid():
        return render(request, "cases/investigation_import.html", context, status=400)
    upload, profile = form.cleaned_data["file"], form.cleaned_data["profile"]
    if request.POST.get("action") == "preview":
        context["preview"] = preview(source=upload.file, profile=profile, rows=PREVIEW_ROWS)
        context.update({"file_name": upload.name, "profile": profile})
        context["token"] = _keep_for_import(request, upload, profile)
        return render(request, "cases/investigation_import.html", context)
    rows = jobs.count_rows(upload.chunks())
    if jobs.needs_background(rows):
        spooled, rows = jobs.spool(upload.chunks(), prefix=jobs.JOB_PREFIX)
        return _start_job(request, spooled=spooled, rows=rows, name=upload.name, profile=profile)
    status = _run_import(request, context, source=upload.file, name=upload.name, profile=profile)
    if status == 200:
        context["form"] = ImportChoiceForm()
    return render(request, "cases/investigation_import.html", context, status=status)


def _start_job(
    request: HttpRequest, *, spooled: str, rows: int, name: str, profile: ImportProfile | None
) -> HttpResponseBase:
    if spooled.startswith(jobs.PREVIEW_PREFIX):  # a previewed upload becomes the job's file
        renamed = jobs.JOB_PREFIX + spooled.removeprefix(jobs.PREVIEW_PREFIX)
        cast(Path, jobs.spool_path(spooled)).rename(Path(settings.IMPORT_SPOOL_DIR) / renamed)
        spooled = renamed
    job = jobs.start_job(actor=request.user, spool_name=spooled, file_name=name, rows=rows, profile=profile)
    return redirect("cases:import_job", pk=job.pk)


def _run_import(
    request: HttpRequest, context: dict[str, Any], *, source: Any, name: str, profile: ImportProfile | None
) -> int:
    """Import ``source``; put the result or the errors in ``context``; the response status."""
    try:
        result = import_investigations(source=source, actor=request.user, profile=profile)
    except ImportRejected as rejected:
        context.update(_rejected_context(rejected, name))
        return 400
    context.update({"file_name": name, "result": result, "list_url": reverse("cases:investigation_list")})
    return 200


def _rejected_context(rejected: ImportRejected, name: str) -> dict[str, Any]:
    return {
        "file_name": name,
        "import_errors": rejected.errors[:MAX_ERRORS_SHOWN],
        "error_count": rejected.count,
        "errors_hidden": rejected.count - len(rejected.errors[:MAX_ERRORS_SHOWN]),
        "message": rejected.message,
    }


@capability_required(Cap.INVESTIGATIONS_EDIT)
def import_job(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A background import as it runs (status, rows checked and written; the page refreshes its status
    by itself) and how it ended. Only its starter sees it. ``?format=json``: the status alone."""
    job = get_object_or_404(ImportJob.objects.select_related("profile"), pk=pk, created_by=request.user)
    shown = jobs.progress_of(job)
    if request.GET.get("format") == "json":
        return JsonResponse({**shown, "finished": job.finished})
    context = {"job": job, "shown": shown, "list_url": reverse("cases:investigation_list")}
    return render(request, "cases/import_job.html", context)


@capability_required(Cap.INVESTIGATIONS_EDIT)
def orders_import(request: HttpRequest) -> HttpResponse:
    """Upload protective orders and breaches: every error listed, or a summary of what changed."""
    form = ImportForm(*_bound(request, files=True))
    context: dict[str, Any] = {"form": form, "columns": ORDER_COLUMNS, "durations": ORDER_DURATION_WORDS.values()}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                context["result"] = import_orders(source=upload.file, actor=request.user)
                context["form"] = ImportForm()
            except ImportRejected as rejected:
                context.update(_rejected_context(rejected, upload.name))
                status = 400
            context["file_name"] = upload.name
        else:
            status = 400
    return render(request, "cases/orders_import.html", context, status=status)


@capability_required(Cap.IMPORT_PROFILES_MANAGE)
def import_profile_list(request: HttpRequest) -> HttpResponse:
    """The import profiles, one per records-system export."""
    return render(request, "cases/import_profile_list.html", {"profiles": ImportProfile.objects.all()})


@capability_required(Cap.IMPORT_PROFILES_MANAGE)
def import_profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Map an export's columns onto the register's, choose columns to ignore, map codes."""
    profile = ImportProfile() if pk is None else get_object_or_404(ImportProfile, pk=int(pk))
    initial = {
        "name": profile.name,
        "source": profile.source,
        "date_format": profile.date_format,
        "ignored": "\n".join(profile.ignored),
        "values": value_lines(profile.values),
        **{f"column_{name}": sources for name, sources in sources_by_field(profile).items()},
    }
    form = ImportProfileForm(*_bound(request), initial=initial, columns=ALL_IMPORT_COLUMNS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.import_profile_save(
                actor=request.user,
                profile=profile,
                name=data["name"],
                source=data["source"],
                date_format=data["date_format"],
                columns=column_entries({c: data[f"column_{c}"] for c in ALL_IMPORT_COLUMNS}),
                values=data["values"],
                ignored=(data["ignored"] or "").splitlines(),
            )
        except ApplicationError as exc:
            for message in exc.extra.pop("columns", []):
                form.add_error(None, message)
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Import profile {saved.name} saved.")
            return redirect("cases:import_profile_list")
    return _form_page(request, "cases/import_profile_form.html", {"form": form, "profile": profile})


# --- data quality ------------------------------------------------------------------------------


def _quality_period(request: HttpRequest) -> tuple[QualityPeriodForm, date, date]:
    """The period asked for (``date_from``/``date_to``), or the last twelve months to today."""
    today = timezone.localdate()
    default_from = months_later(today, -11).start
    asked = "date_from" in request.GET or "date_to" in request.GET
    form = QualityPeriodForm(
        request.GET if asked else {"date_from": default_from.isoformat(), "date_to": today.isoformat()}
    )
    if form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default_from, today


def _period_query(date_from: date, date_to: date) -> str:
    return urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})


@capability_required(Cap.DATA_QUALITY_VIEW)
def data_quality(request: HttpRequest) -> HttpResponseBase:
    """The data-quality report: each rule's count and rate with its list, by LPA, team and month; every
    table as CSV/XLSX, and ``?table=failing&format=csv`` the references failing any rule."""
    form, date_from, date_to = _quality_period(request)
    if form.errors:
        return render(request, "cases/data_quality.html", {"form": form}, status=400)
    today = timezone.localdate()
    report = quality.quality_report(user=request.user, date_from=date_from, date_to=date_to, today=today)
    period = _period_query(date_from, date_to)
    rule_url = {rule.key: reverse("cases:data_quality_rule", args=[rule.key]) + f"?{period}" for rule in quality.RULES}
    rules_table = Table(
        key="rules",
        caption=f"Rules over the {report.total:,} investigations recorded from {date_from:%-d %B %Y} to "
        f"{date_to:%-d %B %Y}",
        headers=["Rule", "Failing", "Applies to", "Rate"],
        rows=[[rule.title, rate.numerator, rate.denominator, rate.value] for rule, rate in report.rules],
        numeric={1, 2, 3},
        percent={3},
        query_string=f"table=rules&{period}",
        links={(row, 1): rule_url[rule.key] for row, (rule, _rate) in enumerate(report.rules)},
    )

    def grouped(key: str, caption: str, first: str, rows: list[tuple[str, dict[str, int]]]) -> Table:
        return Table(
            key=key,
            caption=caption,
            headers=[first, *(rule.short for rule in quality.RULES)],
            rows=[[label, *(counts[rule.key] for rule in quality.RULES)] for label, counts in rows],
            numeric=set(range(1, len(quality.RULES) + 1)),
            query_string=f"table={key}&{period}",
        )

    tables = {
        "rules": rules_table,
        "lpa": grouped("lpa", "Failing records by Local Policing Area", "LPA", report.by_lpa),
        "team": grouped("team", "Failing records by team", "Team", report.by_team),
        "month": grouped("month", "Failing records by month recorded", "Month", report.by_month),
    }
    downloads: dict[str, Download] = {key: table.as_download(f"data-quality-{key}") for key, table in tables.items()}
    downloads["failing"] = Download(
        filename=f"data-quality-failing-{date_from}-{date_to}",
        headers=["crime_reference", "lpa", "team", "recorded_date", *(rule.key for rule in quality.RULES)],
        rows=quality.failing_references(user=request.user, date_from=date_from, date_to=date_to, today=today).iterator(
            chunk_size=2000
        ),
        row=_failing_row,
    )
    if export_format(request) and request.GET.get("table") == "failing":
        record_access(request, AccessKind.INVESTIGATION_EXPORT)
    months = [label for label, _counts in report.by_month]
    charts = {
        "rates": {
            "type": "bar",
            "labels": [rule.short for rule, _rate in report.rules],
            "datasets": [
                {"label": "Failing (% of records the rule applies to)", "data": [r.value for _x, r in report.rules]}
            ],
            "percent": True,
            "horizontal": True,
        },
        "trend": {
            "type": "line",
            "labels": months,
            "datasets": [
                {"label": rule.short, "data": [counts[rule.key] for _label, counts in report.by_month]}
                for rule in quality.RULES
            ],
        },
    }
    context = {
        "form": form,
        "report": report,
        "tables": tables,
        "charts": charts,
        "rules": [(rule, rate, rule_url[rule.key]) for rule, rate in report.rules],
        "period_query": period,
    }
    return page_or_download(request, template="cases/data_quality.html", context=context, download=downloads)


def _failing_row(inv: Investigation) -> list[Any]:
    flags = ["yes" if getattr(inv, f"fails_{rule.key}") else "" for rule in quality.RULES]
    return [
        inv.crime_reference,
        inv.lpa.code if inv.lpa else "",
        inv.team.code if inv.team else "",
        inv.recorded_date,
        *flags,
    ]


@capability_required(Cap.DATA_QUALITY_VIEW)
def data_quality_rule(request: HttpRequest, key: str) -> HttpResponseBase:
    """The investigations that break one rule in the period (paginated; CSV/XLSX of the whole list)."""
    rule = quality.rule_named(key)
    if rule is None:
        raise Http404("No such data-quality rule.")
    form, date_from, date_to = _quality_period(request)
    if form.errors:
        return render(request, "cases/data_quality_rule.html", {"form": form, "rule": rule}, status=400)
    today = timezone.localdate()
    queryset = quality.failing(user=request.user, rule=rule, date_from=date_from, date_to=date_to, today=today)
    record_access(request, AccessKind.INVESTIGATION_EXPORT if export_format(request) else AccessKind.INVESTIGATION_LIST)

    def context() -> dict[str, Any]:
        return {
            "form": form,
            "rule": rule,
            "page_obj": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": query_string(request),
            "period_query": _period_query(date_from, date_to),
            "date_from": date_from,
            "date_to": date_to,
        }

    return page_or_download(
        request,
        template="cases/data_quality_rule.html",
        context=context,
        download=Download(
            filename=f"data-quality-{rule.key}-{date_from}-{date_to}",
            headers=["crime_reference", "strand", "lpa", "team", "recorded_date", "outcome_type", "outcome_date"],
            rows=queryset.iterator(chunk_size=2000),
            row=lambda inv: [
                inv.crime_reference,
                inv.strand,
                inv.lpa.code if inv.lpa else "",
                inv.team.code if inv.team else "",
                inv.recorded_date,
                inv.outcome_type,
                inv.outcome_date,
            ],
        ),
    )


def _period_and_filters(request: HttpRequest, *, extra: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """``from``/``to`` (the last 12 months by default) and the KPI filters of a list behind a figure,
    with every bad or unknown parameter named."""
    today = timezone.localdate()
    values: dict[str, Any] = {"from": today - timedelta(days=364), "to": today}
    errors: list[str] = []
    for name in ("from", "to"):
        if str(request.GET.get(name) or "").strip():
            try:
                values[name] = parse_kpi_date(request.GET.get(name))
            except ApplicationError as exc:
                errors.append(f"{name}: {exc.message}")
    if values["from"] > values["to"]:
        errors.append(f"from: '{values['from']}' is after 'to' ({values['to']}).")
    for name in sorted(set(request.GET) - {"from", "to", *FILTER_PARAMS, *extra}):
        errors.append(f"{name}: unknown parameter.")
    try:
        values["filters"] = resolve_filters({name: request.GET.get(name) for name in FILTER_PARAMS})
    except ApplicationError as exc:
        errors += [f"{name}: {messages[0]}" for name, messages in exc.extra.items()]
    return values, errors


@capability_required(Cap.INVESTIGATIONS_VIEW)
def repeat_people(request: HttpRequest) -> HttpResponseBase:
    """Repeat victims or suspects (``?person=victim|suspect``): each pseudonymous reference with two or more
    investigations recorded in the period, linking to the register filtered to that person."""
    values, errors = _period_and_filters(request, extra=("person", "page", "format"))
    person = request.GET.get("person") or "victim"
    if person not in ("victim", "suspect"):
        errors.append(f"person: '{person}' is not victim or suspect.")
    if errors:
        return render(request, "cases/repeat_people.html", {"errors": errors}, status=400)
    people = selectors.repeat_people(
        user=request.user, person=person, date_from=values["from"], date_to=values["to"], filters=values["filters"]
    )
    codes = {name: request.GET[name] for name in FILTER_PARAMS if request.GET.get(name)}
    register = {"recorded_from": values["from"].isoformat(), "recorded_to": values["to"].isoformat(), **codes}
    base = reverse("cases:investigation_list")
    page_obj = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{**row, "url": f"{base}?{urlencode({f'{person}_id': row['person_id'], **register})}"} for row in page_obj]
    record_access(request, AccessKind.INVESTIGATION_LIST)
    context = {
        "person": person,
        "person_label": "victims" if person == "victim" else "suspects",
        "date_from": values["from"],
        "date_to": values["to"],
        "page_obj": page_obj,
        "rows": rows,
        "query_string": query_string(request),
    }
    return render(request, "cases/repeat_people.html", context)


@capability_required(Cap.INVESTIGATIONS_VIEW)
def bail_expiring(request: HttpRequest) -> HttpResponseBase:
    """Investigations whose pre-charge bail expires within the next 14 days (``?on=`` another day), soonest first."""
    values, errors = _period_and_filters(request, extra=("on", "page"))
    on = timezone.localdate()
    if str(request.GET.get("on") or "").strip():
        try:
            on = parse_kpi_date(request.GET.get("on"))
        except ApplicationError as exc:
            errors.append(f"on: {exc.message}")
    if errors:
        return render(request, "cases/bail_expiring.html", {"errors": errors}, status=400)
    investigations = selectors.bail_expiring_list(user=request.user, on=on, filters=values["filters"])
    page_obj = Paginator(investigations, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, AccessKind.INVESTIGATION_LIST)
    context = {"on": on, "until": on + timedelta(days=BAIL_EXPIRY_DAYS), "page_obj": page_obj}
    return render(request, "cases/bail_expiring.html", context)
