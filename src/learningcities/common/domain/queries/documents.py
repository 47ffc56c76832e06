"""Reads of private documents."""

import uuid

from ...models import Document


def document_for_user(user, document_id: uuid.UUID | str) -> Document | None:
    """Return the document if ``user`` may open it, else None: missing and forbidden look alike."""
    document = Document.objects.select_related("owner").filter(pk=document_id).first()
    if document is None or not user.has_perm("common.view_document", document):
        return None
    return document
