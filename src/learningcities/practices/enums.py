"""The states, sources, licences, target groups, clusters and goals of good practices."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PracticeStatus(models.TextChoices):
    """Where a practice stands; ``domain.moderation`` moves it."""

    DRAFT = "draft", pgettext_lazy("practice status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("practice status", "Submitted for publication")
    PUBLISHED = "published", pgettext_lazy("practice status", "Published")
    RETURNED = "returned", pgettext_lazy("practice status", "Returned for changes")
    UNPUBLISHED = "unpublished", pgettext_lazy("practice status", "Unpublished")


# Who may move a practice from one state to another (domain.moderation).
CITY_MOVES = {
    PracticeStatus.DRAFT: frozenset({PracticeStatus.SUBMITTED}),
    PracticeStatus.RETURNED: frozenset({PracticeStatus.SUBMITTED}),
    PracticeStatus.UNPUBLISHED: frozenset({PracticeStatus.SUBMITTED}),
}
SECRETARIAT_MOVES = {
    PracticeStatus.SUBMITTED: frozenset({PracticeStatus.PUBLISHED, PracticeStatus.RETURNED}),
    PracticeStatus.PUBLISHED: frozenset({PracticeStatus.UNPUBLISHED}),
}
# The states in which the city may edit the practice (a published one keeps revisions).
EDITABLE_STATES = frozenset(
    {
        PracticeStatus.DRAFT,
        PracticeStatus.RETURNED,
        PracticeStatus.UNPUBLISHED,
        PracticeStatus.PUBLISHED,
    }
)


class PracticeSource(models.TextChoices):
    """Where a practice came from."""

    APPLICATION = "application", _("Membership application")
    NOMINATION = "nomination", _("Award nomination")
    REPORT = "report", _("Progress report")
    PRESENTATION = "presentation", _("Conference presentation")
    DIRECT = "direct", _("Written directly")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC_BY_NC = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
}


class TargetGroup(models.TextChoices):
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    ADULTS = "adults", _("Adults")
    OLDER_PEOPLE = "older_people", _("Older people")
    WOMEN_GIRLS = "women_girls", _("Women and girls")
    MIGRANTS = "migrants", _("Migrants and refugees")
    DISABILITIES = "disabilities", _("People with disabilities")
    LOW_LITERACY = "low_literacy", _("People with low literacy")
    UNEMPLOYED = "unemployed", _("Unemployed people")
    EDUCATORS = "educators", _("Teachers and educators")
    FAMILIES = "families", _("Families")
    EVERYONE = "everyone", _("All citizens")


class ClusterCode(models.TextChoices):
    """The network's seven thematic clusters (FACTS.md)."""

    ESD = "esd", _("Education for sustainable development")
    EQUITY = "equity", _("Equity and inclusion")
    PLANNING = "planning", _("Educational planning, monitoring and evaluation")
    GCED = "gced", _("Global citizenship education")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    HEALTH = "health", _("Health and well-being")
    LITERACY = "literacy", _("Literacy")


class ClusterRole(models.TextChoices):
    MEMBER = "member", pgettext_lazy("cluster role", "Member")
    LEAD = "lead", pgettext_lazy("cluster role", "Lead city")


class ClusterRequestStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("cluster membership", "Asked to join")
    ACCEPTED = "accepted", pgettext_lazy("cluster membership", "Member")
    DECLINED = "declined", pgettext_lazy("cluster membership", "Declined")


class FacetKind(models.TextChoices):
    """The facets of the library's search (domain.facets keeps one row per value)."""

    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")
    AREA = "area", _("Key Features area")
    FEATURE = "feature", _("Key Feature")
    SDG = "sdg", _("Sustainable Development Goal")
    CLUSTER = "cluster", _("Cluster")
    LANGUAGE = "language", _("Language")
    YEAR = "year", _("Year")
    TARGET_GROUP = "target_group", _("Target group")


# The 17 Sustainable Development Goals by number, with their short titles.
SDG_GOALS = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}


ACTIVITY_LABELS = {
    "practices.practice.create": _("Practice written"),
    "practices.practice.update": _("Practice changed"),
    "practices.practice.import": _("Practice loaded"),
    "practices.practice.submitted": _("Practice submitted for publication"),
    "practices.practice.published": _("Practice published"),
    "practices.practice.returned": _("Practice returned for changes"),
    "practices.practice.unpublished": _("Practice unpublished"),
    "practices.cluster.ask": _("Asked to join a cluster"),
    "practices.cluster.accept": _("Request to join a cluster accepted"),
    "practices.cluster.decline": _("Request to join a cluster declined"),
    "practices.cluster.role": _("Role in a cluster changed"),
    "practices.cluster.message": _("Message sent to a cluster's cities"),
    "practices.contact.request": _("Message sent to another city"),
    "practices.image.add": _("Image added to a practice"),
    "practices.image.update": _("Image of a practice described again"),
    "practices.image.move": _("Images of a practice reordered"),
    "practices.image.remove": _("Image removed from a practice"),
    "practices.attachment.add": _("Document attached to a practice"),
    "practices.attachment.update": _("Document of a practice renamed"),
    "practices.attachment.move": _("Documents of a practice reordered"),
    "practices.attachment.remove": _("Document removed from a practice"),
}

# Changes recorded under a practice that are no field of it (common.activity_labels).
CHANGE_LABELS = {
    "image": _("image"),
    "alt_text": _("text alternative"),
    "caption": _("caption"),
    "attachment": _("document"),
}
