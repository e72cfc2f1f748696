"""Open-data pages: the public page with the data dictionary, the bundle download, regeneration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy

from . import actions, bundle
from .datasets import MIN_CELL, all_datasets


def index(request):
    """Public (no sign-in): what is published, its dictionary, and the newest bundle."""
    publication = bundle.latest()
    counts = publication.row_counts if publication else {}
    return render(
        request,
        "opendata/index.html",
        {
            "publication": publication,
            "datasets": [(ds, counts.get(ds.name)) for ds in all_datasets()],
            "min_cell": MIN_CELL,
            "can_publish": policy.can(request.user, actions.PUBLISH),
        },
    )


def download(request):
    publication = bundle.latest()
    if publication is None or not default_storage.exists(publication.file_name):
        raise Http404(_("No open-data bundle has been published yet."))
    response = FileResponse(
        default_storage.open(publication.file_name, "rb"),
        as_attachment=True,
        filename=publication.file_name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )
    response["X-Content-SHA256"] = publication.sha256
    return response


@login_required
@require_POST
def publish(request):
    actions.request_publication(actor=request.user)  # PermissionDenied → 403
    messages.success(request, _("The open-data bundle is being regenerated; it appears here when ready."))
    return redirect("opendata:index")
