"""Reads of private documents."""

import uuid

from django.db.models import Q, QuerySet

from ...models import Document
from ...rules import is_active_person, is_secretariat, organisation_ids_of


def documents_for_user(user, *, owner=None, kind: str = "") -> QuerySet[Document]:
    """Return the documents ``user`` may list, newest first.

    The secretariat lists all; others those of the organisations they act for
    and those they uploaded. Predicates other apps add to
    ``common.rules.document_viewers`` widen the single-document check
    (``document_for_user``), not this list. Filters: ``owner``, ``kind``.
    """
    if is_secretariat(user):
        documents = Document.objects.all()
    elif is_active_person(user):
        documents = Document.objects.filter(
            Q(uploaded_by_id=user.pk) | Q(owner_id__in=organisation_ids_of(user))
        )
    else:
        return Document.objects.none()
    if owner is not None:
        documents = documents.filter(owner=owner)
    if kind:
        documents = documents.filter(kind=kind)
    return documents.select_related("owner").order_by("-created_at", "pk")


def document_for_user(user, document_id: uuid.UUID | str) -> Document | None:
    """Return the document if ``user`` may open it, else None: missing and forbidden look alike."""
    document = Document.objects.select_related("owner").filter(pk=document_id).first()
    if document is None or not user.has_perm("common.view_document", document):
        return None
    return document
