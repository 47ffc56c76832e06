"""Progress reports: the pages of a city, its National Commission, the secretariat; public rates.

Grouped by their first segments, so the address of another app passes them in
three checks: the root URLconf tries them before the apps with many patterns.
"""

from django.urls import include, path

from .views import city, manage, pdf, practices, progress, public, review, workbook

app_name = "reports"

# The city (and, reading, its National Commission and the secretariat).
_reports = [
    path("", city.my_reports, name="mine"),
    path("<int:pk>/", city.report, name="report"),
    path("<int:pk>/sections/<str:code>/", city.section, name="section"),
    path("<int:pk>/read/", city.read, name="read"),
    path("<int:pk>/submit/", city.submit, name="submit"),
    path("<int:pk>/extend/", city.extend, name="extend"),
    path(
        "<int:pk>/documents/<int:link_id>/remove/",
        city.remove_document,
        name="remove-document",
    ),
    path("<int:pk>/report.pdf", pdf.report_pdf, name="report-pdf"),
    path("<int:pk>/workbook.xlsx", workbook.workbook, name="workbook"),
    path("<int:pk>/workbook/", workbook.workbook_upload, name="workbook-upload"),
    path("<int:pk>/practices/<str:code>/", practices.share_practice, name="share-practice"),
    path("country/<str:code>/", city.country_reports, name="country"),
    # The secretariat.
    path("<int:pk>/review/", review.review, name="review"),
    # Whoever may read the city's reports.
    path("cities/<int:city_id>/progress/", progress.progress, name="progress"),
    path("cities/<int:city_id>/progress.pdf", pdf.progress_pdf, name="progress-pdf"),
]

# The secretariat's cycles.
_cycles = [
    path("", manage.cycles, name="cycles"),
    path("new/", manage.create_cycle, name="cycle-create"),
    path("<slug:code>/", manage.cycle, name="cycle"),
    path("<slug:code>/edit/", manage.edit_cycle, name="cycle-edit"),
    path("<slug:code>/due/", manage.add_due, name="cycle-due"),
    path("<slug:code>/lapses/", manage.lapses, name="lapses"),
]

# Public: the network's reporting rates.
_public = [
    path("", public.rates, name="rates"),
    path("<slug:code>/", public.cycle_rates, name="rates-cycle"),
    path("<slug:code>/rates.csv", public.rates_csv, name="rates-csv"),
    path("<slug:code>/synthesis.pdf", pdf.synthesis_pdf, name="synthesis-pdf"),
]

urlpatterns = [
    path("workspace/reports/", include(_reports)),
    path("workspace/reporting-cycles/", include(_cycles)),
    path("reporting/", include(_public)),
]
