"""Browsing the activity log: the secretariat globally and per object, others their own part."""

import re
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from learningcities.common.access import permission_required
from learningcities.common.activity_labels import action_label, change_label
from learningcities.common.domain.activity import REDACTED
from learningcities.common.domain.queries.activity import (
    activity_for_user,
    activity_object_types_for_user,
)
from learningcities.common.models import ActivityLogEntry, Document
from learningcities.network.domain.queries.directory import cities_for_public
from learningcities.network.models import City

from ..domain.queries.organisations import organisations_for_user
from ..interfaces.workspace_forms import ActivityFilterForm
from ..models import User

PAGE_SIZE = 50

# Changes recorded under a name that is no labelled field of the object: their labels.
CHANGE_LABELS = {
    "totp": _("authenticator app"),
    "token_hash": _("invitation link"),
}

# The page of an object, by "app_label.model": (URL name, kwarg, public?).
# Public pages are linked for everyone; workspace pages for the secretariat.
OBJECT_PAGES = {
    "accounts.organisation": ("workspace:organisation", "pk", False),
    "accounts.user": ("workspace:person", "pk", False),
    "calls.call": ("calls:secretariat-call", "pk", False),
    "calls.submission": ("calls:secretariat-submission", "pk", False),
    "common.outboxmessage": ("common:outbox-message", "pk", False),
    "network.city": ("network:city", "pk", True),
    "network.country": ("network:country", "code", True),
}


def object_url(
    entry: ActivityLogEntry, *, workspace: bool, public_cities: frozenset[str] = frozenset()
) -> str:
    """Return the link to the entry's object, or "" when it has no page for this reader.

    A city has a page only once admitted (``public_cities``: the ids, as the
    log stores them, of the entries' cities that are public); a city that
    only applied has none.
    """
    if entry.content_type_id is None or not entry.object_id:
        return ""
    content_type = entry.content_type
    label = f"{content_type.app_label}.{content_type.model}"
    page = OBJECT_PAGES.get(label)
    if page is None or not (page[2] or workspace):
        return ""
    if label == "network.city" and entry.object_id not in public_cities:
        return ""
    try:
        return reverse(page[0], kwargs={page[1]: entry.object_id})
    except NoReverseMatch:
        return ""


def _model_field(model, name: str):
    """Return the field ``name`` of ``model`` (None when there is no such field)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _key(field, value):
    """Return ``value`` as the key of the object a foreign key ``field`` refers to, or None."""
    try:
        return field.target_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _referred_names(references, *, workspace: bool) -> dict:
    """Return ``{(related model, key): name}`` for the objects the changes refer to.

    One query per kind of object on the page. Outside the workspace an
    application is named by its number only, as a juror's own entries name it.
    """
    names = {}
    for (model, target), keys in references.items():
        if not workspace and model._meta.label_lower == "calls.submission":
            continue
        # Names often read a required relation (an application is "city · call").
        required = [
            field.name
            for field in model._meta.concrete_fields
            if field.many_to_one and not field.null
        ]
        rows = model._default_manager.filter(**{f"{target}__in": keys})
        if required:
            rows = rows.select_related(*required)
        names.update({(model, getattr(row, target)): str(row) for row in rows})
    return names


def _refers(field) -> bool:
    """Whether ``field`` holds the key of another object (a foreign key or one-to-one)."""
    return (
        field is not None
        and (field.many_to_one or field.one_to_one)
        and field.related_model is not None
    )


def _moment(field, value):
    """Return a recorded date or time in the reader's format (None when it is not one)."""
    if not isinstance(value, str):
        return None
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "SHORT_DATETIME_FORMAT")
    elif isinstance(field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    return None


def _plain(value) -> object:
    """Return a value that reads the same whatever the field: yes/no, key: item."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return ", ".join(f"{key}: {item}" for key, item in value.items())


def _referred(field, value, names) -> str:
    """Return the name of the object ``value`` refers to, else a stand-in naming its key."""
    key = _key(field, value)
    if (field.related_model, key) in names:
        return names[(field.related_model, key)]
    if field.related_model._meta.label_lower == "calls.submission":
        return _("application %(number)s") % {"number": value}
    return f"#{value}"


def _shown(field, value, names) -> object:
    """Return what the table shows for one old or new ``value`` of ``field``."""
    if value is None:
        return value
    if value == REDACTED:
        return _("[redacted]")
    if isinstance(value, bool | dict):
        return _plain(value)
    if field is None:
        return value
    if _refers(field):
        return _referred(field, value, names)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    moment = _moment(field, value)
    return value if moment is None else moment


def _public_cities(entries) -> frozenset[str]:
    """Return the ids (as stored in the log) of the entries' cities that have a public page."""
    city_type = ContentType.objects.get_for_model(City)
    ids = {
        entry.object_id
        for entry in entries
        if entry.content_type_id == city_type.pk
        and entry.object_id.isascii()
        and entry.object_id.isdigit()
        and len(entry.object_id) < 19
    }
    if not ids:
        return frozenset()
    public = cities_for_public().filter(pk__in=[int(pk) for pk in ids])
    return frozenset(str(pk) for pk in public.values_list("pk", flat=True))


UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)


def _object_names(entries) -> dict[int, str]:
    """Return ``{entry pk: name}`` for the entries whose object is named by a document's key.

    An evidence link is recorded as "Evidence: <uuid>"; the reader sees the document's
    file name instead (one query for the page), or "removed document" when it is gone.
    """
    found = {entry.pk: UUID.findall(entry.object_repr) for entry in entries}
    keys = {key.lower() for keys in found.values() for key in keys}
    if not keys:
        return {}
    documents = dict(
        Document.objects.filter(pk__in=keys).values_list("pk", "original_name").iterator()
    )
    documents = {str(key): name for key, name in documents.items()}
    names = {}
    for entry in entries:
        if found[entry.pk]:
            names[entry.pk] = UUID.sub(
                lambda match: documents.get(match.group(0).lower()) or str(_("removed document")),
                entry.object_repr,
            )
    return names


def _changed_fields(entry) -> list[tuple[str, object, list]]:
    """Return ``(name, model field or None, [old, new])`` for each change ``entry`` records."""
    if not isinstance(entry.changes, dict):
        return []
    model = entry.content_type.model_class() if entry.content_type_id else None
    fields = []
    for name, values in sorted(entry.changes.items()):
        if not (isinstance(values, list) and len(values) == 2):
            values = [None, values]
        fields.append((name, _model_field(model, name), values))
    return fields


def _references(changed: list[list[tuple]]) -> dict[tuple, set]:
    """Return ``{(model, key field): keys}`` of the objects the changes refer to."""
    references = defaultdict(set)
    for fields in changed:
        for _name, field, values in fields:
            if not _refers(field):
                continue
            keys = {_key(field, value) for value in values if value is not None} - {None}
            if keys:
                references[(field.related_model, field.target_field.attname)].update(keys)
    return references


def _change_label(name: str, field) -> str:
    """Return the label of the change recorded under ``name`` (``field``: its model field)."""
    if name in CHANGE_LABELS:
        return CHANGE_LABELS[name]
    if field is not None:
        return field.verbose_name
    return change_label(name) or name.replace("_", " ")


def _change_rows(fields, names) -> list[tuple]:
    """Return ``(field label, old, new)`` as the table shows each change."""
    return [
        (
            capfirst(_change_label(name, field)),
            _shown(field, values[0], names),
            _shown(field, values[1], names),
        )
        for name, field, values in fields
    ]


def activity_rows(entries, *, workspace: bool) -> list[dict]:
    """Return what a table of entries shows: entry, action label, object link, changes.

    A change reads in words: the field's name as the forms name it, the
    label of a choice, and the name of an object a foreign key refers to
    (stored as its key, so the log stays true when the object is renamed).
    """
    entries = list(entries)
    changed = [_changed_fields(entry) for entry in entries]
    references = _references(changed)
    names = _referred_names(references, workspace=workspace) if references else {}
    public_cities = _public_cities(entries)
    object_names = _object_names(entries)
    return [
        {
            "entry": entry,
            "label": action_label(entry.action),
            "object_name": object_names.get(entry.pk, entry.object_repr),
            "url": object_url(entry, workspace=workspace, public_cities=public_cities),
            "changes": _change_rows(fields, names),
        }
        for entry, fields in zip(entries, changed, strict=True)
    ]


def _browse(request: HttpRequest, *, template: str, workspace: bool) -> HttpResponse:
    user = request.user
    form = ActivityFilterForm(
        request.GET or None,
        organisations=organisations_for_user(user),
        object_types=activity_object_types_for_user(user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    content_type, object_id = filters.get("object_type"), ""
    if filters.get("object"):
        content_type, object_id = filters["object"]
    actor = None
    if filters.get("actor"):
        actor = User.objects.filter(email__iexact=filters["actor"].strip()).first() or User(pk=0)
    entries = activity_for_user(
        user,
        action=filters.get("action", ""),
        actor=actor,
        organisation=filters.get("organisation"),
        content_type=content_type,
        object_id=object_id,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        search=filters.get("q", ""),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = activity_rows(page.object_list, workspace=workspace)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "object_repr": rows[0]["object_name"] if object_id and rows else "",
            "object_id": object_id,
        },
    )


@require_safe
@permission_required("accounts.view_activity")
def workspace_activity(request: HttpRequest) -> HttpResponse:
    """The whole activity log for the secretariat: filters, per-object history, pages."""
    return _browse(request, template="accounts/workspace/activity.html", workspace=True)


@require_safe
@permission_required("accounts.view_own_activity")
def own_activity(request: HttpRequest) -> HttpResponse:
    """The log of the person's own organisations and their own actions."""
    return _browse(request, template="accounts/activity.html", workspace=False)
