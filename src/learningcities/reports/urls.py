"""Progress reports: the pages of a city, its National Commission, the secretariat; public rates."""

from django.urls import path

from .views import city, manage, pdf, practices, progress, public, review, workbook

app_name = "reports"

urlpatterns = [
    # The city (and, reading, its National Commission and the secretariat).
    path("workspace/reports/", city.my_reports, name="mine"),
    path("workspace/reports/<int:pk>/", city.report, name="report"),
    path("workspace/reports/<int:pk>/sections/<str:code>/", city.section, name="section"),
    path("workspace/reports/<int:pk>/read/", city.read, name="read"),
    path("workspace/reports/<int:pk>/submit/", city.submit, name="submit"),
    path("workspace/reports/<int:pk>/extend/", city.extend, name="extend"),
    path(
        "workspace/reports/<int:pk>/documents/<int:link_id>/remove/",
        city.remove_document,
        name="remove-document",
    ),
    path("workspace/reports/<int:pk>/report.pdf", pdf.report_pdf, name="report-pdf"),
    path("workspace/reports/<int:pk>/workbook.xlsx", workbook.workbook, name="workbook"),
    path("workspace/reports/<int:pk>/workbook/", workbook.workbook_upload, name="workbook-upload"),
    path(
        "workspace/reports/<int:pk>/practices/<str:code>/",
        practices.share_practice,
        name="share-practice",
    ),
    path("workspace/reports/country/<str:code>/", city.country_reports, name="country"),
    # The secretariat.
    path("workspace/reports/<int:pk>/review/", review.review, name="review"),
    path("workspace/reporting-cycles/", manage.cycles, name="cycles"),
    path("workspace/reporting-cycles/new/", manage.create_cycle, name="cycle-create"),
    path("workspace/reporting-cycles/<slug:code>/", manage.cycle, name="cycle"),
    path("workspace/reporting-cycles/<slug:code>/edit/", manage.edit_cycle, name="cycle-edit"),
    path("workspace/reporting-cycles/<slug:code>/due/", manage.add_due, name="cycle-due"),
    path("workspace/reporting-cycles/<slug:code>/lapses/", manage.lapses, name="lapses"),
    # A city's progress over its cycles (its people, its Commission, the secretariat).
    path("workspace/reports/cities/<int:city_id>/progress/", progress.progress, name="progress"),
    path(
        "workspace/reports/cities/<int:city_id>/progress.pdf",
        pdf.progress_pdf,
        name="progress-pdf",
    ),
    # Public: the network's reporting rates.
    path("reporting/", public.rates, name="rates"),
    path("reporting/<slug:code>/", public.cycle_rates, name="rates-cycle"),
    path("reporting/<slug:code>/rates.csv", public.rates_csv, name="rates-csv"),
    path("reporting/<slug:code>/synthesis.pdf", pdf.synthesis_pdf, name="synthesis-pdf"),
]
