"""Shared fixtures. The compendium is loaded once into the test database, so every test reads
the real shipped data; tests that need other data build it with the small factories below."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.plugin import pytest_collection_modifyitems as django_order

from casebase.catalogue import index as catalogue
from casebase.content.models import (
    CaseStudy,
    Indicator,
    Organisation,
    OrganisationType,
    Person,
    Practice,
    Source,
    Status,
)
from casebase.site import rows
from tests.helpers import member_of

# Playwright drives the page from its own event loop; Django refuses sync ORM calls inside one
# unless told. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that flush the database (browser tests on the live server, transactional ones)
    must run after every other: pytest-django sorts them last, but pytest's grouping of tests
    by Playwright's session-scoped browser parameter, which may run after that sort, moved
    some database tests behind them, and those found the compendium and the editors' groups
    gone. So pytest-django's stable sort runs once more, last."""
    django_order(items)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_compendium", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def nothing_kept_between_tests():
    """Each test starts without the catalogue index or rows a test before it kept. They are
    kept per content version, and a test's rolled-back transaction restores the version it
    began with: an index built after a test's `.update()` (which, unlike a save, changes no
    version) would otherwise serve the next tests stale content."""
    yield
    catalogue._latest = None
    rows.kept.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser. If it is missing the tests fail."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="a long editor password"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def editor_only(django_user_model) -> Client:
    """A member of the Editors group: drafts only."""
    return member_of("Editors", django_user_model)


@pytest.fixture
def publisher(django_user_model) -> Client:
    """A member of the Publishers group."""
    return member_of("Publishers", django_user_model)


@pytest.fixture
def source(db) -> Source:
    return Source.objects.get(slug="the-management-mission")


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(
        name="Testshire County Council",
        slug="testshire-county-council",
        type=OrganisationType.objects.get(slug="county-council"),
        status=Status.PUBLISHED,
    )


@pytest.fixture
def case_study(organisation, source) -> CaseStudy:
    return CaseStudy.objects.create(
        title="Testshire turns around",
        slug="testshire-turns-around",
        organisation=organisation,
        source=source,
        context="It was failing.",
        summary="It got better.",
        status=Status.PUBLISHED,
    )


@pytest.fixture
def person(db) -> Person:
    return Person.objects.create(name="Pat Example", slug="pat-example", status=Status.PUBLISHED)


@pytest.fixture
def practice(db) -> Practice:
    return Practice.objects.get(slug="visible-leadership")


@pytest.fixture
def cqc(db) -> Indicator:
    return Indicator.objects.get(slug="cqc-overall-rating")
