from functools import partial

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "learningcities.events"
    label = "events"
    verbose_name = _("Events")
    # The personal link of a registration opens it without an account.
    personal_link_variables = {
        "events.registration.status": {"link"},
        "events.registration.offered": {"link"},
        "events.registration.reminder": {"link"},
    }

    def ready(self):
        self._register_work()
        # Registers the document viewer rule of outcome files (common.rules).
        from learningcities.common.translated import TranslatableKind, register_translatable

        # Imported for what they register: the outcome files' viewer rule, and
        # the receivers that move the programme's revision on (also in the
        # job worker, which expires sign-up offers).
        from .domain import outcomes, revision  # noqa: F401
        from .domain.proposals import register_proposal_effects
        from .models import Event, OutcomeDocument

        # Accepted proposals of a call for presentations join their event's programme.
        register_proposal_effects()
        self._register_search()
        self._register_cluster_events()
        self._register_practice_presentations()

        register_translatable(
            TranslatableKind(
                key="events.event",
                label=_("Events"),
                objects=lambda: Event.objects.filter(is_synthetic=False),
                # An event's texts with those of its categories and programme.
                rows=lambda event: [event, *event.categories.all(), *event.sessions.all()],
                url=lambda event: event.get_absolute_url(),
            )
        )
        register_translatable(
            TranslatableKind(
                key="events.outcome",
                label=_("Outcome documents"),
                objects=lambda: OutcomeDocument.objects.filter(event__is_synthetic=False),
                url=lambda outcome: reverse("events:outcome", kwargs={"pk": outcome.pk}),
            )
        )

    def _register_cluster_events(self):
        # A cluster's page (practices) lists the cluster meetings its cities host.
        from learningcities.practices.domain.clusters import register_cluster_section

        from .domain.queries.events import cluster_events

        register_cluster_section(
            "events.meetings",
            title=_("Cluster meetings"),
            template="events/public/_cluster_events.html",
            build=cluster_events,
            order=50,
        )

    def _register_practice_presentations(self):
        # A practice's page (practices) lists the presentations of it at events.
        from learningcities.practices.domain.sections import (
            PracticeSection,
            register_practice_section,
        )

        from .domain.queries.events import practice_presentations

        register_practice_section(
            PracticeSection(
                key="events-presentations",
                title=_("Presented at"),
                template="events/public/_practice_presentations.html",
                build=practice_presentations,
                order=50,
            )
        )

    def _register_search(self):
        from learningcities.common.site_search import SearchSection, register_search_section

        from .interfaces.site_search import find_events, find_outcomes

        register_search_section(
            SearchSection(
                key="events",
                title=_("Events"),
                search=find_events,
                more_url=lambda query: reverse("events:list"),
                order=30,
            )
        )
        register_search_section(
            SearchSection(
                key="outcomes",
                title=_("Outcome documents"),
                search=find_outcomes,
                more_url=lambda query: reverse("events:outcomes"),
                order=40,
            )
        )

    def _register_work(self):
        # "My work" (accounts) cannot import events: events tells it what waits here.
        from learningcities.accounts.domain.work import register_work_part
        from learningcities.accounts.enums import Role

        from .domain.queries import work
        from .domain.queries.events import secretariat_events_work

        for role in (Role.COORDINATOR, Role.ENDORSER):
            register_work_part(
                f"events.delegations.{role}",
                role=role,
                title=_("Event delegations"),
                template="events/work/delegations.html",
                build=partial(work.delegation_work, role=role),
                order=60,
            )
        for role in (Role.ENDORSER, Role.SECRETARIAT):
            register_work_part(
                f"events.approvals.{role}",
                role=role,
                title=_("Event registrations to approve"),
                template="events/work/approvals.html",
                build=partial(work.approval_work, role=role),
                order=61,
            )
        register_work_part(
            "events.events",
            role=Role.SECRETARIAT,
            title=_("Events to come"),
            template="events/manage/work.html",
            build=secretariat_events_work,
            order=300,
        )
