"""Import pages: upload a file (or dry-run it), follow the queued job, see the result and every bad row, download
reports and templates. The upload is imported as a task (`import_jobs`); the job page polls (htmx) until done."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import import_jobs, imports, policy
from .models import AuditEvent, ImportJob
from .paging import InvalidCursor, KeysetPaginator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500
SHOWN_WRITTEN = 200


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("XLSX, or CSV in UTF-8 or GB18030; the first row holds the headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row, write nothing"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(c.kind, c.label) for c in imports.available_importers(user)]
        for name, field in self.fields.items():
            css = (
                "form-check-input"
                if name == "dry_run"
                else "form-select"
                if name == "kind"
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)


def _job_for(user, job_id) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not (job.created_by_id == user.pk or user.is_superuser):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    policy.require(request.user, imports.IMPORT)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.start(
                form.cleaned_data["kind"],
                form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            form.add_error("kind", exc.messages[0])
        else:
            return redirect("core:import_detail", job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)
    paginator = KeysetPaginator(jobs, ("-id",), page_size=20, name="imports")
    try:
        page = paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        page = paginator.page(None)
    labels = {k: c.label for k, c in imports.importers().items()}
    for job in page.items:
        job.kind_label = labels.get(job.kind, job.kind)
        job.state = import_jobs.job_state(job)
    return render(
        request,
        "core/imports.html",
        {"form": form, "page": page, "importers": imports.available_importers(request.user)},
    )


@login_required
def import_detail(request, job_id):
    policy.require(request.user, imports.IMPORT)
    job = _job_for(request.user, job_id)
    written = []
    if job.status == ImportJob.Status.IMPORTED:
        done = AuditEvent.objects.filter(
            verb="import.completed", object_type="core.importjob", object_id=str(job.pk)
        ).first()
        if done is not None:
            written = list(
                AuditEvent.objects.filter(group_id=done.group_id)
                .exclude(pk=done.pk)
                .order_by("id")
                .values("verb", "object_repr")[:SHOWN_WRITTEN]
            )
    job.state = import_jobs.job_state(job)
    importer = imports.importers().get(job.kind)
    form = ImportForm(user=request.user, initial={"kind": job.kind})
    return render(
        request,
        "core/import_detail.html",
        {
            "job": job,
            "label": importer.label if importer else job.kind,
            "errors": job.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(job.errors) - SHOWN_ERRORS),
            "written": written,
            "more_written": job.rows_written > len(written) and bool(written),
            "form": form,
        },
    )


@login_required
def import_errors(request, job_id):
    policy.require(request.user, imports.IMPORT)
    job = _job_for(request.user, job_id)
    if not job.errors:
        messages.info(request, _("This import has no errors."))
        return redirect("core:import_detail", job.pk)
    response = HttpResponse(imports.error_report(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


@login_required
def import_template(request, kind):
    policy.require(request.user, imports.IMPORT)
    if kind not in imports.importers():
        raise Http404
    response = HttpResponse(imports.template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
