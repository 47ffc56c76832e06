"""The REST API v1 object, mounted at /api/v1/ by the project's urls."""

from functools import partial

from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from learningcities.api.errors import (
    http_error_response,
    rule_error_response,
    validation_error_response,
)
from learningcities.calls.api import router as calls_router
from learningcities.common.errors import RuleError
from learningcities.events.api import router as events_router
from learningcities.network.api import router as network_router
from learningcities.opendata.interfaces.api_schema import describe
from learningcities.practices.api import router as practices_router
from learningcities.reports.api import router as reports_router
from learningcities.reviews.api import router as reviews_router


class API(NinjaAPI):
    """The API whose document takes its fields' meanings from the open data's dictionary."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return describe(document)


api = API(
    title="learningcities API",
    version="1",
    description=(
        "Open data of the network: member cities, memberships, cohorts, countries and "
        "statistics, public and read-only; and, for people logged in, their own "
        "applications to calls and the transitions they may perform (session login, "
        "CSRF token on every POST and PUT). Lists come in pages "
        "(`count`, `page`, `page_size`, `next`, `previous`, `next_cursor`, `results`), "
        "asked for by `page` or by `cursor`. The fields of the public objects mean what "
        "the open data's dictionary says (`x-dataset`, `x-dataset-field`). An invalid "
        "parameter is answered with 422 and names the parameter. Every refusal has a "
        "`detail` for people, and most a `code` for programs: 400 a body that is not JSON "
        "or a value the rules refuse (code `invalid`), "
        "401 an operation that needs a session without one, 403 a role that needs a second "
        "factor without one (on every operation), a POST or PUT without the CSRF token or a "
        "move you may not make (code `not_permitted`), 404 an "
        "object that is missing or not yours to see, 409 a move the rules refuse now, "
        "429 too many requests from one client (see `Retry-After`). Every successful read "
        "has an `ETag`: send it back in `If-None-Match` and an unchanged answer is a 304 "
        "without a body. Any site may read the API from a browser (CORS), without the "
        "visitor's cookies."
    ),
    urls_namespace="api-v1",
    # The documentation is the site's own page, drawn from the schema in the
    # site's frame (api/views.py, "/open-data/api/"): Swagger UI's page failed
    # axe-core (no language, contrast, nested controls) and led nowhere back.
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_exception_handler(ValidationError, partial(validation_error_response, api=api))
api.add_exception_handler(HttpError, partial(http_error_response, api=api))
api.add_exception_handler(RuleError, partial(rule_error_response, api=api))
api.add_router("/", network_router)
api.add_router("/", calls_router)
api.add_router("/", reviews_router)
api.add_router("/", events_router)
api.add_router("/", practices_router)
api.add_router("/", reports_router)
