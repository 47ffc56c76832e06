"""The ZIP of a release's certificates is refused above its size bound."""

import pytest
from django.contrib.messages import get_messages

from learningcities.reviews.views import release as release_views
from tests.reviews.test_views_release import _url, released, staff, staged  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_certificates_zip_too_large_goes_back_to_the_status_page(client, released, monkeypatch):  # noqa: F811 - a fixture
    call, _casts = released
    monkeypatch.setattr(release_views, "ZIP_MAX_BYTES", 1)

    response = client.get(_url("decisions-certificates-zip", call))

    assert (response.status_code, response["Location"]) == (
        302,
        _url("decisions-release-status", call),
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The certificates are too large for one ZIP; download them one by one."
    ]
