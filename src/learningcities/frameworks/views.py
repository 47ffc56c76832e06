from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .domain.queries.frameworks import framework_tree_by_version, frameworks_for_public


def framework_list(request: HttpRequest) -> HttpResponse:
    """List every loaded framework version."""
    return render(request, "frameworks/list.html", {"frameworks": list(frameworks_for_public())})


def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Show one framework version: sections, areas, criteria and suggested measurements."""
    framework = framework_tree_by_version(code, version)
    if framework is None:
        raise Http404
    return render(request, "frameworks/detail.html", {"framework": framework})
