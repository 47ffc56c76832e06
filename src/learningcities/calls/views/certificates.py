"""The public verification of a certificate: anyone may ask whether a number is valid.

``/certificates/?number=...`` (the form) sends to ``/certificates/<number>/``,
which answers with the city, its country, the cohort or the award, the date
and whether the certificate is valid or was replaced; an unknown number
answers 404 with the form again. The page is public and cached like the
register's pages (a re-issue bumps the register's revision).
"""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from learningcities.network.views.caching import Page, cached_page, page_response, render_page

from ..domain.queries.release import certificate_for_public

MAX_NUMBER = 60
# Letters, digits and hyphens (LC-2026-0001-000042, LC-2026-0001-000042-R1).
NUMBER = re.compile(r"[A-Za-z0-9-]+")


def _lookup_page(number: str = "", *, unknown: bool = False) -> Page:
    return ("calls/certificates/lookup.html", {"number": number, "unknown": unknown})


@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """The form that asks for a certificate number; a number given goes to its page."""
    number = "".join(request.GET.get("number", "").split())[:MAX_NUMBER]
    if not number:
        return cached_page(request, "certificate-lookup", _lookup_page)
    if not NUMBER.fullmatch(number):
        # Not the shape of any certificate number: said at once, with the form.
        page = render_page(request, _lookup_page(number, unknown=True))
        return page_response(request, page, status=404)
    return redirect("calls:certificate", number=number.upper())


def _build(number: str) -> Page:
    certificate = certificate_for_public(number)
    if certificate is None:
        raise Http404
    submission = certificate.submission
    release = getattr(submission.call, "release", None)
    return (
        "calls/certificates/certificate.html",
        {
            "certificate": certificate,
            "city": submission.city,
            "release": release,
            "award_year": release.award_year if release else None,
            "cohort": release.cohort if release else None,
        },
    )


@require_safe
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """What the certificate ``number`` certifies and whether it is valid; 404 if unknown."""
    number = number[:MAX_NUMBER]
    try:
        return cached_page(request, "certificate", lambda: _build(number))
    except Http404:
        page = render_page(request, _lookup_page(number, unknown=True))
        return page_response(request, page, status=404)
