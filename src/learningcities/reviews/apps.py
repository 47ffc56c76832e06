from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "learningcities.reviews"
    label = "reviews"
    verbose_name = _("Jury and reviews")

    def ready(self):
        # "My work" (accounts) cannot import reviews: reviews tells it what waits here.
        from learningcities.accounts.domain.work import register_work_part
        from learningcities.accounts.enums import Role

        from .domain.decisions import register_decision_rules
        from .domain.queries import work
        from .domain.queries.audiences import register_juror_audience

        # The rules of reviewed and decided, on the calls app's state machine.
        register_decision_rules()

        register_juror_audience()  # the jurors of a call, for the secretariat's messages

        register_work_part(
            "reviews.jury",
            role=Role.SECRETARIAT,
            title=_("Reviews outstanding and calls ready to release"),
            template="reviews/work/secretariat.html",
            build=work.secretariat_jury_work,
            order=200,
        )
        register_work_part(
            "reviews.reviews",
            role=Role.JUROR,
            title=_("Your reviews"),
            template="reviews/work/juror.html",
            build=work.juror_work,
        )
