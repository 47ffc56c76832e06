"""The library of good practices, published ones only."""

from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import shown
from learningcities.practices.domain.queries.practices import published_practices
from learningcities.practices.domain.revision import practices_revision
from learningcities.practices.enums import Licence

from .base import Dataset, Field, register
from .network import COUNTRY_CODE


def _revision() -> str:
    return str(practices_revision())


def _practices():
    practices = (
        published_practices()
        .select_related(None)
        .select_related("city")
        .prefetch_related("areas")
        .only(
            "pk",
            "title",
            "summary",
            "language",
            "translations",
            "city_id",
            "city__name",
            "city__country_id",
            "sdgs",
            "target_groups",
            "started_year",
            "ended_year",
            "licence",
            "published_at",
        )
        .order_by("pk")
    )
    for practice in practices.iterator(chunk_size=1000):
        yield {
            "id": practice.pk,
            "title": str(shown(practice, "title")),
            "summary": str(shown(practice, "summary")),
            "language": practice.language,
            "city_id": practice.city_id,
            "city": practice.city.name if practice.city_id else "",
            "country_code": practice.city.country_id if practice.city_id else "",
            "areas": [area.code for area in practice.areas.all()],
            "sdgs": [str(goal) for goal in practice.sdgs or []],
            "target_groups": list(practice.target_groups or []),
            "started_year": practice.started_year,
            "ended_year": practice.ended_year,
            "licence": practice.licence,
            "published_at": practice.published_at,
        }


register(
    Dataset(
        name="practices",
        title=_("Good practices"),
        description=_(
            "The practices the member cities published in the library: title, summary, "
            "city, the Key Features areas and Sustainable Development Goals they address, "
            "and the licence under which each practice's text is shared."
        ),
        fields=(
            Field("id", "integer", _("Id"), _("The practice's number."), required=True),
            Field("title", "string", _("Title"), _("In the file's language where translated.")),
            Field("summary", "string", _("Summary"), _("In the file's language where translated.")),
            Field(
                "language", "string", _("Language"), _("The language it was written in (BCP 47).")
            ),
            Field("city_id", "integer", _("City id"), _("The city (see member-cities).")),
            Field("city", "string", _("City"), _("The city's name in English.")),
            COUNTRY_CODE,
            Field(
                "areas",
                "string",
                _("Key Features areas"),
                _("The codes of the areas of the Key Features of Learning Cities it addresses."),
                separator=";",
            ),
            Field(
                "sdgs",
                "string",
                _("Sustainable Development Goals"),
                _("The numbers of the goals it contributes to."),
                separator=";",
            ),
            Field(
                "target_groups",
                "string",
                _("Target groups"),
                _("The groups of learners it serves."),
                separator=";",
            ),
            Field("started_year", "year", _("Started"), _("The year it started.")),
            Field("ended_year", "year", _("Ended"), _("The year it ended, if it did.")),
            Field(
                "licence",
                "string",
                _("Licence"),
                _("The licence of the practice's own text."),
                enum=tuple(Licence.values),
            ),
            Field(
                "published_at",
                "datetime",
                _("Published"),
                _("When it was published (UTC)."),
            ),
        ),
        rows=_practices,
        revision=_revision,
        primary_key=("id",),
        keywords=("good practices", "lifelong learning"),
    )
)
