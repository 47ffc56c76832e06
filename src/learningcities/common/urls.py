from django.urls import path

from .views import documents, jobs, mail_templates, outbox, site_search, translations

app_name = "common"

urlpatterns = [
    path("workspace/outbox/", outbox.outbox, name="outbox"),
    path("workspace/outbox/<int:pk>/", outbox.outbox_message, name="outbox-message"),
    path("workspace/outbox/<int:pk>/retry/", outbox.outbox_retry, name="outbox-retry"),
    path("workspace/mail-templates/", mail_templates.mail_templates, name="mail-templates"),
    path(
        "workspace/mail-templates/<str:code>/<str:language>/",
        mail_templates.mail_template_edit,
        name="mail-template",
    ),
    path("workspace/translations/", translations.translations, name="translations"),
    path(
        "workspace/translations/<str:kind>/<int:pk>/<str:language>/",
        translations.translation_edit,
        name="translation-edit",
    ),
    path("workspace/jobs/", jobs.jobs, name="jobs"),
    path("workspace/jobs/<uuid:pk>/retry/", jobs.job_retry, name="job-retry"),
    path("documents/<uuid:document_id>/", documents.document_file, name="document"),
    path("search/", site_search.site_search, name="search"),
]
