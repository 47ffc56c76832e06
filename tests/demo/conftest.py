import pytest


@pytest.fixture(autouse=True)
def _private_storage_and_fast_logins(private_root, fast_password_hashing):
    """Every test here stores documents in a folder of its own and logs people in quickly."""
    return private_root
