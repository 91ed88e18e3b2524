"""Browser tests run against a live server in Debian's Chromium (see tests/conftest.py)."""

import os

import pytest
from django.core.management import call_command


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live site's base URL, with the compendium loaded.

    Live-server tests run outside the rolled-back test transaction and are flushed afterwards,
    so each loads the data itself (a no-op when it is already there)."""
    with open(os.devnull, "w") as quiet:
        call_command("load_compendium", stdout=quiet)
    return live_server.url
