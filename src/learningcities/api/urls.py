"""The REST API v1 object, mounted at /api/v1/ by the project's urls."""

from functools import partial

from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from learningcities.api.errors import validation_error_response
from learningcities.network.api import router as network_router

api = NinjaAPI(
    title="learningcities API",
    version="1",
    description=(
        "Open data of the network: member cities, memberships, cohorts, countries and "
        "statistics. Read-only and public. Lists come in pages "
        "(`count`, `page`, `page_size`, `next`, `previous`, `results`); an invalid "
        "parameter is answered with 422 and names the parameter."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Served from ninja's bundled static files (ninja is in INSTALLED_APPS): the docs
    # work offline; no validator badge, which would call out to swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": True}),
)
api.add_exception_handler(ValidationError, partial(validation_error_response, api=api))
api.add_router("/", network_router)
