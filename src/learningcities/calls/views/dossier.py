"""The dossier PDF of a submission, for its city, its National Commission and the secretariat."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from learningcities.accounts.rules import is_secretariat
from learningcities.common.access import get_object_for_user_or_404

from ..domain.queries.submissions import submissions_for_user
from ..dossier import render_dossier


@require_safe
@login_required
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the PDF dossier of submission ``pk``, rendered now (nothing cached).

    Open to whoever may see the submission (``submissions_for_user``): its
    city's coordinators, its country's endorsers once submitted, the
    secretariat. Anyone else gets 404, as for a missing submission.
    """
    submission = get_object_for_user_or_404(request.user, submissions_for_user, pk=pk)
    pdf = render_dossier(submission, staged_visible=is_secretariat(request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{submission.city.name}-{submission.call.title}") or "dossier"
    response["Content-Disposition"] = f'inline; filename="dossier-{name}-{submission.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
