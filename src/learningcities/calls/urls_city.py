"""URLs of urls_city (see calls/urls.py)."""

urlpatterns: list = []
