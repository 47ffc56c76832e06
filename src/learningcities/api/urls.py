from ninja import NinjaAPI

from learningcities.network.api import router as network_router

api = NinjaAPI(
    title="learningcities API",
    version="1",
    description="Open data of the network: cities, memberships, cohorts and statistics.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", network_router)
