"""RSS and Atom feeds of the library: every published practice, a cluster's, a country's.

A feed lists the newest published practices (``FEED_SIZE``, by publication),
the same ones a visitor finds in the library: a draft, a practice waiting for
moderation or one withdrawn never appears. Texts come in the active language
(the address's prefix, /fr/…) when translated, else in the practice's
original language, as on the pages; the summary is the item's description,
the city its author, its Key Features areas, goals and clusters its
categories.
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from learningcities.common.translated import localise, shown
from learningcities.frameworks.models import Area
from learningcities.network.models import Country

from .domain.queries.practices import published_practices
from .enums import SDG_GOALS
from .models import Cluster, Practice

# Feed readers poll often; 50 items cover weeks of publications and keep the answer small.
FEED_SIZE = 50
# Characters XML 1.0 forbids (text pasted from a PDF may hold a form feed): the feed
# generator refuses them, so they are dropped rather than fail the whole feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return NOT_XML.sub("", str(text))


def _library_url(**filters: str) -> str:
    url = reverse("practices:library")
    return f"{url}?{urlencode(filters)}" if filters else url


class PracticesFeed(Feed):
    """What the three feeds share: the items and how each is written (RSS 2.0; ``_atom``)."""

    feed_type = Rss201rev2Feed

    def practices(self, obj) -> QuerySet[Practice]:
        return published_practices()

    def items(self, obj) -> list[Practice]:
        practices = (
            self.practices(obj)
            .exclude(published_at=None)
            .prefetch_related(
                Prefetch(
                    "areas",
                    queryset=Area.objects.select_related("section__framework").order_by(
                        "section__order", "order"
                    ),
                ),
                "clusters",
            )
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )
        return localise(practices)

    def item_title(self, practice: Practice) -> str:
        return _xml_text(practice.title)

    def item_description(self, practice: Practice) -> str:
        # The description is HTML to a feed reader; the summary is plain text.
        return escape(_xml_text(practice.summary))

    def item_link(self, practice: Practice) -> str:
        return practice.get_absolute_url()

    def item_pubdate(self, practice: Practice):
        return practice.published_at

    def item_updateddate(self, practice: Practice):
        return max(practice.updated_at, practice.published_at)

    def item_author_name(self, practice: Practice) -> str:
        return _xml_text(practice.city.name)

    def item_categories(self, practice: Practice) -> list[str]:
        areas = [str(shown(area, "title")) for area in practice.areas.all()]
        goals = [str(SDG_GOALS[goal]) for goal in practice.sdgs if goal in SDG_GOALS]
        clusters = [str(cluster.name) for cluster in practice.clusters.all()]
        return [_xml_text(category) for category in (*areas, *goals, *clusters)]


def _atom(feed_class):
    """Return the Atom variant of ``feed_class`` (same items; summary and updated dates)."""
    return type(f"Atom{feed_class.__name__}", (feed_class,), {"feed_type": Atom1Feed})


class LibraryFeed(PracticesFeed):
    """Every published practice."""

    def title(self) -> str:
        return _("Good practices of the global network of learning cities")

    def link(self) -> str:
        return _library_url()

    def description(self) -> str:
        return _("The good practices member cities share, newest first, as they are published.")


class ClusterFeed(PracticesFeed):
    """The published practices of one cluster (``/clusters/<code>/feed/…``)."""

    def get_object(self, request, code: str) -> Cluster:
        return get_object_or_404(Cluster, code=code)

    def practices(self, cluster: Cluster) -> QuerySet[Practice]:
        return published_practices().filter(clusters=cluster)

    def title(self, cluster: Cluster) -> str:
        return _("Good practices of the cluster %(cluster)s") % {"cluster": cluster.name}

    def link(self, cluster: Cluster) -> str:
        return _library_url(cluster=cluster.code)

    def description(self, cluster: Cluster) -> str:
        return _(
            "The good practices of the cluster %(cluster)s, newest first, as they are published."
        ) % {"cluster": cluster.name}


class CountryFeed(PracticesFeed):
    """The published practices of the cities of one country (``/countries/<code>/practices/…``).

    The country is the practice's own city's; a partner city's country does not
    count, so a practice appears in one country's feed.
    """

    def get_object(self, request, code: str) -> Country:
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise Http404
        return get_object_or_404(Country, code=code.upper())

    def practices(self, country: Country) -> QuerySet[Practice]:
        return published_practices().filter(city__country=country)

    def title(self, country: Country) -> str:
        return _("Good practices of cities in %(country)s") % {"country": country.display_name}

    def link(self, country: Country) -> str:
        return _library_url(country=country.code)

    def description(self, country: Country) -> str:
        return _(
            "The good practices of member cities in %(country)s, newest first, as they are "
            "published."
        ) % {"country": country.display_name}


library_rss = LibraryFeed()
library_atom = _atom(LibraryFeed)()
cluster_rss = ClusterFeed()
cluster_atom = _atom(ClusterFeed)()
country_rss = CountryFeed()
country_atom = _atom(CountryFeed)()
