"""URLs of urls_secretariat (see calls/urls.py)."""

urlpatterns: list = []
