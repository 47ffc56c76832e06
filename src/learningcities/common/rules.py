"""Permission rules of common: the secretariat, the outbox, private documents.

Other apps widen who may open a document by adding predicates to
``document_viewers`` (for example the endorsers of an application, the jurors
assigned to it)::

    from learningcities.common.rules import register_document_viewer

    @register_document_viewer
    @rules.predicate
    def is_endorser_of_document(user, document): ...

Who holds a role is asked here through stand-ins (``is_secretariat``,
``organisation_ids_of``) that the accounts app answers (``answer_role_questions``),
as common may not import accounts, which builds on it.
"""

from collections.abc import Callable

import rules

__all__ = [
    "answer_role_questions",
    "can_read_document_name",
    "can_view_document",
    "is_active_person",
    "is_secretariat",
    "organisation_ids_of",
    "register_document_name_reader",
    "register_document_viewer",
]

# Who holds which role is for the accounts app to say (people, organisations and
# their affiliations), and accounts sits above common and network in the layers
# (docs/architecture.md): they ask through the stand-ins below, which
# accounts/rules.py answers when it loads. Until then nobody holds a role.
_answers: dict[str, Callable] = {}


def answer_role_questions(
    *, is_secretariat: rules.Predicate, organisation_ids_of: Callable[..., frozenset[int]]
) -> None:
    """Make the stand-ins below ask the accounts app (called once, by accounts/rules.py)."""
    _answers.update(is_secretariat=is_secretariat, organisation_ids_of=organisation_ids_of)


@rules.predicate
def is_active_person(user) -> bool:
    """A logged-in person whose account is active."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_secretariat(user) -> bool:
    """A secretariat member or an operator, as ``accounts.rules.is_secretariat`` answers."""
    answer = _answers.get("is_secretariat")
    return bool(answer is not None and answer.test(user))


def organisation_ids_of(user) -> frozenset[int]:
    """The organisations the person acts for, as ``accounts.rules.organisation_ids_of`` answers."""
    answer = _answers.get("organisation_ids_of")
    return frozenset() if answer is None else answer(user)


@rules.predicate
def is_actor_of_entry(user, entry) -> bool:
    return entry is not None and is_active_person(user) and entry.actor_id == user.pk


@rules.predicate
def is_entry_of_own_organisation(user, entry) -> bool:
    return (
        entry is not None
        and entry.organisation_id is not None
        and entry.organisation_id in organisation_ids_of(user)
    )


can_view_activity_entry = is_secretariat | is_actor_of_entry | is_entry_of_own_organisation


@rules.predicate
def is_document_uploader(user, document) -> bool:
    return document.uploaded_by_id is not None and document.uploaded_by_id == user.pk


@rules.predicate
def is_member_of_document_owner(user, document) -> bool:
    return document.owner_id is not None and document.owner_id in organisation_ids_of(user)


# Who, besides the secretariat, may open a document: any one predicate suffices.
document_viewers: list[rules.Predicate] = [is_document_uploader, is_member_of_document_owner]


# Viewers that open a document without reading its file name (a juror while the
# city's identity is hidden: a file's name often holds the city's), and the
# predicates under which such a viewer reads the name after all.
nameless_viewers: list[rules.Predicate] = []
document_name_readers: list[rules.Predicate] = []


def register_document_viewer(
    predicate: rules.Predicate, *, reads_name: bool = True
) -> rules.Predicate:
    """Add ``predicate(user, document)`` to those that let a person open a document.

    With ``reads_name=False`` the person it lets in reads the file's name only
    when a predicate added by ``register_document_name_reader`` holds too.
    """
    if predicate not in document_viewers:
        document_viewers.append(predicate)
    if not reads_name and predicate not in nameless_viewers:
        nameless_viewers.append(predicate)
    return predicate


def register_document_name_reader(predicate: rules.Predicate) -> rules.Predicate:
    """Add ``predicate(user, document)``: a nameless viewer reads the file's name when it holds."""
    if predicate not in document_name_readers:
        document_name_readers.append(predicate)
    return predicate


@rules.predicate
def can_view_document(user, document) -> bool:
    if not is_active_person(user):
        return False
    if is_secretariat(user):
        return True
    return any(predicate.test(user, document) for predicate in document_viewers)


@rules.predicate
def can_read_document_name(user, document) -> bool:
    """Whether the person reads the document's file name (given they may open it)."""
    if not is_active_person(user):
        return False
    if is_secretariat(user):
        return True
    named = [predicate for predicate in document_viewers if predicate not in nameless_viewers]
    return any(predicate.test(user, document) for predicate in named) or any(
        predicate.test(user, document) for predicate in document_name_readers
    )


rules.add_perm("common.view_document", can_view_document)
rules.add_perm("common.read_document_name", can_read_document_name)
rules.add_perm("common.view_outbox", is_secretariat)
rules.add_perm("common.retry_message", is_secretariat)
rules.add_perm("common.change_mail_template", is_secretariat)
rules.add_perm("common.view_activity_entry", can_view_activity_entry)
rules.add_perm("common.view_jobs", is_secretariat)
rules.add_perm("common.retry_job", is_secretariat)
rules.add_perm("common.translate_content", is_secretariat)
