from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from learningcities.common.languages import language_name
from learningcities.common.translated import localise

from .domain.queries.frameworks import frameworks_for_public, localised_framework_tree


def framework_list(request: HttpRequest) -> HttpResponse:
    """List every loaded framework version."""
    frameworks = localise(frameworks_for_public())
    for framework in frameworks:
        framework.language_names = [language_name(c) for c in framework.languages_available()]
    return render(request, "frameworks/list.html", {"frameworks": frameworks})


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Show one framework version: sections, areas, criteria and suggested measurements."""
    framework = localised_framework_tree(code, version)
    if framework is None:
        raise Http404
    return render(request, "frameworks/detail.html", {"framework": framework})
