"""Bad input to the HTML pages never answers a 500.

Every page of the project (but the admin, the API, which schemathesis covers in
tests/api/test_schemathesis.py, and allauth's own pages but the simplest) is
requested with garbage, as every role that may use it, on the objects of the URL
matrix's world (tests/test_url_matrix.py):

- the forms found on the pages (their fields, buttons and file inputs, read from
  the HTML each role is shown) are posted back empty, with every field set to
  one kind of garbage (long odd unicode with NUL bytes, "-1", "1e309", "NaN",
  a number too large for any column, an impossible date), with unknown
  "action" values, with ids of no object, and with uploads that are not PDFs
  or are too big;
- the pages are requested with garbage query strings (page=abc, page=-5,
  page=999999, every filter set to garbage).

The assertion is only that nothing answers 500 (a 4xx or a page that names the
error is the expected outcome); the list of failures names role, request and
the exception, so one test per URL shows every way it breaks.
"""

import html.parser
import io
from urllib.parse import urlencode, urljoin, urlsplit

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.frameworks.models import Framework
from tests.calls.factories import Cast, make_call, small_framework, submission_in
from tests.common import files
from tests.reviews.decision_helpers import casts_in_review, stage
from tests.test_url_matrix import ALLAUTH, MATRIX

# The URL matrix's module fixture, registered here under this name (a parameter
# named after an imported fixture would read as a redefinition to the linter).
from tests.test_url_matrix import world as matrix_world  # noqa: F401 (a fixture, see above)
from tests.url_matrix.roles import POST_ONLY

# Roles that fill in forms. The admin is the secretariat's superset and reaches
# the same views; the secretariat without an authenticator is sent to set one up.
POST_ROLES = ("coordinator", "endorser", "juror", "secretariat")

# Allauth pages simple enough to post garbage to (the others belong to allauth).
ALLAUTH_CHECKED = {"account_login", "account_reset_password", "account_signup"}

# Odd unicode on purpose: full-width, combining marks, right-to-left override, NUL.
EVIL = ("Ｚ̸̡͓a\x00l\u202eg\ufffdo\U0001f4a9 '\"<>&%;--\x00\r\n\t" * 12)[:300]  # noqa: RUF001
NUMBERS = ("-1", "1e309", "NaN", "99999999999999999999", "1²")
BAD_DATE = "2026-02-30"
GARBAGE = (EVIL, *NUMBERS, BAD_DATE, "", "/" + EVIL)
# The garbage also posted behind each real button (the rest is caught by the sweep above).
BEHIND_BUTTONS = (EVIL, "1e309", "99999999999999999999", "1²", BAD_DATE, "/" + EVIL)
# Field names views read from request.POST directly, besides their forms'.
EXTRA_FIELDS = ("action", "form", "code", "juror", "assignment", "tie", "next", "submission")
DECISION_URLS = (
    "reviews:decisions",
    "reviews:decisions-finish",
    "reviews:decisions-decide",
    "reviews:decisions-release",
)
BAD_ACTIONS = ("no-such-action", EVIL, "__class__")
BAD_IDS = ("999999999", "0", "-1", "abc", "99999999999999999999")
BAD_PAGES = ("abc", "-5", "999999", "0", "1e309", "1²", EVIL)


def checked_names() -> list[str]:
    """URL names of the HTML pages to check: all but the admin's, the API's and allauth's."""
    return sorted(
        name
        for name in MATRIX
        if name != "admin:*"
        and not name.startswith("api-v1:")
        and (name not in ALLAUTH or name in ALLAUTH_CHECKED)
    )


class FormParser(html.parser.HTMLParser):
    """Collect the forms of a page: method, action, fields, button values, file inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "buttons": {},
                "files": set(),
            }
            self.forms.append(self._form)
            return
        form, name = self._form, attrs.get("name")
        if form is None or not name:
            return
        kind = (attrs.get("type") or "").lower()
        if tag == "button" or (tag == "input" and kind == "submit"):
            form["buttons"].setdefault(name, set()).add(attrs.get("value") or "")
        elif tag == "input" and kind == "file":
            form["files"].add(name)
        elif tag in ("input", "textarea"):
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                form["fields"].setdefault(name, None)
            else:
                form["fields"][name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            form["fields"].setdefault(name, None)
        elif tag == "option" and self._select and form["fields"].get(self._select) is None:
            form["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _client(place: dict, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(place["people"][role])
    return client


def _url(place: dict, name: str) -> str:
    return reverse(name, kwargs=place["kwargs"].get(name, {}))


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _roles_opening(name: str) -> list[str]:
    return [role for role in ("anonymous", *POST_ROLES) if MATRIX[name][role] == 200]


@pytest.fixture(scope="module")
def scenario(request, django_db_blocker):
    """The matrix's world, and a call whose decisions and screening pages show their forms.

    Two applications in review, one of them with a staged decision (the
    decisions page then offers to decide, finish and release), and an endorsed
    one (the screening page offers its actions). Built inside the world's
    transaction, rolled back with it.
    """
    world = request.getfixturevalue("matrix_world")
    with django_db_blocker.unblock():
        framework = Framework.objects.filter(code="test-framework").first() or small_framework()
        call = make_call(title="Bad input decisions call", framework=framework)
        (cast, staged), _in_review = casts_in_review(call, ["FR", "IT"])
        stage(cast, staged, Decision.ACCEPTED)
        endorsed = submission_in(Cast(call=call, country_code="JP"), SubmissionState.ENDORSED)
    kwargs = {
        **world["kwargs"],
        **{name: {"pk": call.pk} for name in DECISION_URLS},
        "calls:secretariat-submission": {"pk": endorsed.pk},
    }
    return {**world, "kwargs": kwargs}


@pytest.fixture(scope="module")
def page_forms(scenario, django_db_blocker):
    """Forms found on every checked page, by the URL name they are sent to.

    ``{url name: {"post": [(role, form)], "get": [(role, form)]}}``; read as each
    role that opens the page, so each role's own buttons are known.
    """
    found: dict[str, dict[str, list]] = {}
    with django_db_blocker.unblock():
        for name in checked_names():
            url = _url(scenario, name)
            for role in _roles_opening(name):
                response = _client(scenario, role).get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = FormParser()
                parser.feed(response.content.decode(errors="replace"))
                for form in parser.forms:
                    target = _url_name(urlsplit(urljoin(url, form["action"])).path) or name
                    method = "post" if form["method"] == "post" else "get"
                    forms = found.setdefault(target, {"post": [], "get": []})[method]
                    if not any(_same_form(form, seen) for _role, seen in forms):
                        # The same form shown to several roles is posted once.
                        forms.append((role, form))
    return found


def test_forms_are_found(page_forms):
    # The pages' forms are what the garbage is posted to: if the parser lost
    # them, the test above would post to nothing and pass.
    posted_to = {name for name, forms in page_forms.items() if forms["post"]}

    assert {
        "calls:city-profile",
        "calls:city-section",
        "calls:workbook-upload",
        "calls:secretariat-call-create",
        "calls:secretariat-submission",
        "reviews:decisions-decide",
        "reviews:decisions-finish",
        "reviews:decisions-release",
        "reviews:phase",
        "workspace:invitation-create",
    } <= posted_to


def _same_form(one: dict, other: dict) -> bool:
    return (one["fields"].keys(), one["buttons"], one["files"]) == (
        other["fields"].keys(),
        other["buttons"],
        other["files"],
    )


def _post_payloads(form: dict | None):
    """Yield (label, data) pairs of garbage for one form (None: a form we could not see)."""
    fields = dict(form["fields"]) if form else {}
    for extra in EXTRA_FIELDS:
        fields.setdefault(extra, None)
    valid = {key: value for key, value in fields.items() if value is not None}
    buttons = form["buttons"] if form else {}
    actions = [(key, value) for key, values in buttons.items() for value in sorted(values)]
    file_names = sorted(form["files"]) if form else []

    yield "empty body", {}
    for value in GARBAGE:
        yield f"every field {value[:12]!r}", dict.fromkeys(fields, value)
        if value not in BEHIND_BUTTONS:
            continue
        # The same garbage behind each real button, so the view goes past its dispatch.
        for key, action in actions:
            yield (
                f"{key}={action!r}, other fields {value[:12]!r}",
                {**dict.fromkeys(fields, value), key: action},
            )
    for action in BAD_ACTIONS:
        yield f"action {action[:12]!r}", {**valid, "action": action}
        for key in buttons:
            yield f"{key} {action[:12]!r}", {**valid, key: action}
    for bad_id in BAD_IDS:
        ids = {key: bad_id for key in fields if key not in ("action", "csrfmiddlewaretoken")}
        yield f"ids {bad_id!r}", {**valid, **ids}
        for key, action in actions:
            yield f"{key}={action!r}, ids {bad_id!r}", {**valid, **ids, key: action}
    for file_name in file_names:
        for label, upload in _bad_uploads():
            yield f"{file_name}: {label}", {**valid, file_name: upload()}
            for key, action in actions:
                yield (
                    f"{key}={action!r}, {file_name}: {label}",
                    {
                        **valid,
                        key: action,
                        file_name: upload(),
                    },
                )


def _bad_uploads():
    return [
        ("not a PDF", lambda: SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf")),
        ("an executable", lambda: SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 64)),
        ("empty file", lambda: SimpleUploadedFile("empty.pdf", b"")),
        ("odd name", lambda: SimpleUploadedFile(EVIL.replace("\x00", "")[:200], files.PDF)),
        # LC_MAX_UPLOAD_MB is lowered to 1 for this module: just over it.
        ("too big", lambda: SimpleUploadedFile("big.pdf", files.PDF + b"0" * (1024 * 1024 + 1))),
    ]


def _get_queries(forms: list[dict]):
    filters: dict[str, str | None] = {}
    for form in forms:
        filters.update(form["fields"])
    for page in BAD_PAGES:
        yield {"page": page}
    if not filters:
        return
    for value in GARBAGE:
        yield {**dict.fromkeys(filters, value), "page": value}
    for key in filters:
        yield {**{k: v for k, v in filters.items() if v}, key: "no-such-value", "page": "2"}


def _failure(role, method, label, response) -> str | None:
    if response.status_code < 500:
        return None
    error = ""
    if response.exc_info:
        error = f": {response.exc_info[0].__name__}: {response.exc_info[1]}"[:300]
    return f"{role} {method} [{label}] -> {response.status_code}{error}"


@pytest.fixture
def _small_uploads(settings):
    settings.LC_MAX_UPLOAD_MB = 1


@pytest.mark.usefixtures("_small_uploads")
@pytest.mark.parametrize("name", checked_names())
def test_bad_input_never_answers_500(scenario, page_forms, db, name):
    url = _url(scenario, name)
    forms = page_forms.get(name, {"post": [], "get": []})
    failures: list[str] = []

    # Posts: each form the page's users are shown, else a blind post as each
    # role that opens the page (or, for a form-only URL, each role).
    posts = forms["post"]
    if not posts:
        roles = POST_ROLES if MATRIX[name] == POST_ONLY else _roles_opening(name)
        posts = [(role, None) for role in roles]
    for role, form in posts:
        client = _client(scenario, role)
        for label, data in _post_payloads(form):
            response = client.post(url, data)
            failures.append(_failure(role, "POST", label, response))

    # Garbage query strings, as the first and the last role that open the page
    # (pages open to all differ between anonymous visitors and the others).
    for role in sorted({*_roles_opening(name)[:1], *_roles_opening(name)[-1:]}):
        client = _client(scenario, role)
        # The fields of the page's own forms too: views read some from the query
        # string (a preselected organisation).
        seen = [form for _, form in forms["get"] + forms["post"]]
        for query in _get_queries(seen):
            response = client.get(f"{url}?{urlencode(query)}")
            failures.append(_failure(role, "GET", urlencode(query)[:80], response))

    failures = [failure for failure in failures if failure]
    assert failures == [], f"{url}: {len(failures)} answers 500:\n" + "\n".join(failures[:20])


# Regressions: each of these answered 500 before its fix.


def _form_fields(client: Client, url: str) -> dict:
    parser = FormParser()
    parser.feed(client.get(url).content.decode())
    return {name: value for form in parser.forms for name, value in form["fields"].items()}


@pytest.mark.parametrize("target", ["abc", "1²", "/workspace/\r\nSet-Cookie: a=1"])
@pytest.mark.parametrize("name", ["workspace:invitation-resend", "workspace:invitation-revoke"])
def test_invitation_form_back_to_a_non_path_goes_to_the_list(scenario, db, name, target):
    # A bare word was taken by redirect() for a view name (NoReverseMatch).
    client = _client(scenario, "secretariat")

    response = client.post(_url(scenario, name), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:invitations")


def _submission(scenario, name: str) -> Submission:
    return Submission.objects.get(pk=scenario["kwargs"][name]["pk"])


def test_profile_numbers_too_large_are_named_on_their_fields(scenario, db):
    # 1e309 made the domain's quantize() raise InvalidOperation; a population
    # beyond 64 bits overflowed the database column.
    client = _client(scenario, "coordinator")
    url = _url(scenario, "calls:city-profile")
    submission = _submission(scenario, "calls:city-profile")
    before = (submission.population, submission.area_km2, submission.data_year)

    response = client.post(
        url, {"population": "99999999999999999999", "area_km2": "1e309", "data_year": "1²"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["population"] == ["Population: expected a smaller number."]
    assert errors["area_km2"] == ["Area (km²): expected a smaller number."]
    assert errors["data_year"] == ["Year of the data: expected a whole number."]
    submission.refresh_from_db()
    assert (submission.population, submission.area_km2, submission.data_year) == before


def test_section_number_too_large_is_named_on_its_field(scenario, db):
    client = _client(scenario, "coordinator")
    url = _url(scenario, "calls:city-section")
    answers = [name for name in _form_fields(client, url) if name.startswith("answer-")]

    response = client.post(url, dict.fromkeys(answers, "1e309"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message.endswith(": expected a smaller number.") for message, *_ in errors.values())


@pytest.mark.parametrize(
    ("role", "name", "query"),
    [
        # page_number() took "²" for a digit and int() refused it.
        ("endorser", "calls:endorsement-queue", "page=1²"),
        ("secretariat", "calls:secretariat-call", "page=1²"),
        # So did the activity filter's object and the invitation's organisation.
        ("secretariat", "workspace:activity", "object=1²:1"),
        ("secretariat", "workspace:invitation-create", "organisation=1²"),
    ],
)
def test_superscript_digit_in_query_is_not_a_number(scenario, db, role, name, query):
    client = _client(scenario, role)

    response = client.get(f"{_url(scenario, name)}?{query}")

    assert response.status_code == 200
    assert response.context is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("area_km2", "1e309"),
        ("population", 10**20),
        ("population", "1²"),
        ("challenges.funding", "1²"),
    ],
)
def test_workbook_profile_number_too_large_is_named(scenario, db, field, value):
    # The workbook's profile went to the domain unchecked: 1e309 raised
    # InvalidOperation, 10**20 overflowed the column, int() refused "1²".
    client = _client(scenario, "coordinator")
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(_url(scenario, "calls:workbook-download")).content)
    )
    sheet = book["Profile"]
    row = next(row for row in range(2, sheet.max_row + 1) if sheet[f"A{row}"].value == field)
    sheet[f"C{row}"] = value
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("application.xlsx", data.getvalue())

    response = client.post(_url(scenario, "calls:workbook-upload"), {"workbook": upload})

    assert response.status_code == 400
    assert [error for error in response.context["errors"] if f"C{row}" in error] != []
