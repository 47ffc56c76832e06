"""URLs of urls_endorsement (see calls/urls.py)."""

urlpatterns: list = []
