import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_counters():
    """Lockouts and throttles count in the cache: each test starts, and leaves, it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests make many users; the production hasher is slow on purpose (not under test here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
