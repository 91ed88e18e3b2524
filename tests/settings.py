"""Test settings: a tiny override of the real ones."""

from casebase.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Result rows kept as in production, so the tests see what readers see after the first request.
ROW_CACHE_ENTRIES = 5000
# The suite rebuilds the index for nearly every test: a full collection each time would add
# minutes. tests/test_catalogue_index.py turns it on.
# Most tests change data inside a transaction that never commits, so cached pages would never
# be retired: page caching is on only in the tests about it (tests/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders, as in development: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
