"""Schemas of the practices REST API v1: published good practices and the thematic clusters.

Texts of practices come in the request's language (Accept-Language) when
translated, else in their original language (``language``); names of codes
(clusters, goals, target groups, licences) always in the request's language.
A practice's contact e-mail is never part of an answer: the platform relays
messages to it.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from learningcities.api.pagination import PageOut


class CityRefOut(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")


class CodeNameOut(Schema):
    code: str
    name: str = Field(description="In the request's language.")


class GoalOut(Schema):
    number: int = Field(description="1 to 17.")
    name: str = Field(description="In the request's language.")


class AreaOut(Schema):
    code: str = Field(description="The area's code in its framework, such as 1.2.")
    title: str


class PracticeOut(Schema):
    id: int
    title: str
    summary: str = Field(description="Plain text.")
    language: str
    languages: list[str] = Field(
        description="The language it was written in, then those it has translations in."
    )
    city: CityRefOut = Field(description="The city that shares it.")
    country_name: str = Field(description="The city's country, in the request's language.")
    region: str = Field(description="The city's UNESCO region (code), empty if none.")
    partner_cities: list[CityRefOut]
    clusters: list[CodeNameOut]
    areas: list[AreaOut]
    sdgs: list[GoalOut]
    target_groups: list[CodeNameOut]
    started_year: int | None
    ended_year: int | None
    licence: str = Field(examples=["CC-BY-4.0"])
    licence_url: str
    is_sample: bool = Field(description="Demonstration content, not a city's real practice.")
    published_at: dt.datetime | None
    url: str = Field(description="The practice's public page.")


class PracticePage(PageOut):
    results: list[PracticeOut]


class IndicatorOut(Schema):
    name: str
    value: Decimal
    unit: str
    year: int | None


class ImageOut(Schema):
    url: str = Field(description="The picture, at most 1600 pixels on its longest side.")
    width: int
    height: int
    thumbnail_url: str = Field(description="A small copy, at most 480 pixels on its longest side.")
    thumbnail_width: int
    thumbnail_height: int
    alt_text: str = Field(description="What the picture shows, as text (the request's language).")
    caption: str = Field(description="Empty if none.")


class AttachmentOut(Schema):
    title: str
    url: str
    file_name: str
    content_type: str = Field(examples=["application/pdf"])
    size: int = Field(description="In bytes.")


class PracticeDetailOut(PracticeOut):
    body: str = Field(description="The description, in Markdown.")
    body_html: str = Field(description="The description as sanitised HTML.")
    results: str = Field(description="The results, in Markdown (empty if none).")
    results_html: str
    indicators: list[IndicatorOut] = Field(description="Results as figures.")
    source: str = Field(
        description="application, nomination, report, presentation or direct (written directly)."
    )
    images: list[ImageOut] = Field(description="Its pictures, in the order the city chose.")
    attachments: list[AttachmentOut] = Field(
        description="Its documents (PDF or office files), in the order the city chose."
    )


class ClusterCityOut(CityRefOut):
    role: str = Field(description="member or lead.")


class ClusterOut(Schema):
    code: str = Field(examples=["literacy"])
    name: str = Field(description="In the request's language.")
    description: str
    lead_cities: list[CityRefOut]
    member_count: int = Field(description="Cities in the cluster, lead cities included.")
    practice_count: int = Field(description="Its published practices.")


class ClusterListOut(Schema):
    results: list[ClusterOut]


class ClusterDetailOut(ClusterOut):
    members: list[ClusterCityOut] = Field(description="Its cities, by name; lead cities too.")
