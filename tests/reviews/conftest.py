import pytest


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Commitment letters and evidence go to a private folder of this test."""
    root = tmp_path / "private"
    settings.LC_PRIVATE_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
