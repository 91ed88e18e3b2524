"""A cache outage costs speed, never correctness or availability: the database is the source of
truth for which content is current. Run against real Redis servers of the test's own (started,
stopped, made read-only and started again), never the machine's Redis on 6379."""

import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from casebase.content.models import CaseStudy, Status
from casebase.settings import redis_cache
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
EPHEMERAL = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
LEEDS = "/case-studies/leeds-teaching-hospitals/"
PAGES = ["/", "/case-studies/", "/api/case-studies/", LEEDS, "/evidence-map/"]


def free_port() -> int:
    """A port nothing listens on (the OS hands out a free one and we close it at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server: started, stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), *EPHEMERAL],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.cli("PING") != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def cli(self, *command: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *command], capture_output=True, text=True
        )
        return result.stdout.strip()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def page_cache_at(settings, url: str) -> None:
    """The production cache settings, pointed at `url`, with the page cache on."""
    settings.CACHES = {"default": {**redis_cache(url), "KEY_PREFIX": uuid.uuid4().hex}}
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def reader() -> Client:
    return Client(raise_request_exception=False)


def test_with_redis_on_a_closed_port_every_page_is_served_uncached(settings, reader):
    page_cache_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    for url in PAGES:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["X-Page-Cache"] == "miss", url
    health = reader.get("/healthz")
    assert health.status_code == 200, "the site still serves: the database is fine"
    assert health.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable (ConnectionError)",
    }


def test_redis_stopped_under_a_running_site_then_started_again(settings, reader, redis_server):
    page_cache_at(settings, redis_server.url)
    reader.get(LEEDS)
    assert reader.get(LEEDS)["X-Page-Cache"] == "hit"
    assert reader.get("/healthz").json()["cache"] == "ok"

    redis_server.stop()
    for url in PAGES:
        assert reader.get(url).status_code == 200, url
    assert reader.get("/healthz").json()["cache"] == "unreachable (ConnectionError)"

    redis_server.start()  # empty, on the same port: the site reconnects by itself
    assert reader.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert reader.get(LEEDS)["X-Page-Cache"] == "miss"
    assert reader.get(LEEDS)["X-Page-Cache"] == "hit"


def test_a_withdrawal_while_redis_refuses_writes_is_never_served_from_the_cache(
    settings, reader, redis_server, publisher, django_capture_on_commit_callbacks
):
    page_cache_at(settings, redis_server.url)
    reader.get(LEEDS)
    assert reader.get(LEEDS)["X-Page-Cache"] == "hit"
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")

    assert redis_server.cli("REPLICAOF", "127.0.0.1", "1") == "OK"  # read-only, data kept
    with django_capture_on_commit_callbacks(execute=True):
        saved = publisher.post(
            reverse("admin:content_casestudy_changelist"),
            {"action": "withdraw", "_selected_action": [leeds.pk]},
        )
    assert saved.status_code == 302, "the Publisher's change succeeds"
    leeds.refresh_from_db()
    assert leeds.status == Status.WITHDRAWN
    health = reader.get("/healthz").json()
    assert health["status"] == "degraded" and health["cache"].startswith("read-only")
    assert reader.get(LEEDS).status_code == 404, "withdrawn, though Redis still holds the page"

    assert redis_server.cli("REPLICAOF", "NO", "ONE") == "OK"
    assert reader.get(LEEDS).status_code == 404, "and still once Redis takes writes again"
    assert cache.get("anything") is None


def test_an_editors_save_while_redis_is_down_succeeds(
    settings, redis_server, publisher, django_capture_on_commit_callbacks
):
    page_cache_at(settings, redis_server.url)
    leeds = CaseStudy.objects.get(slug="leeds-teaching-hospitals")
    redis_server.stop()
    change = reverse("admin:content_casestudy_change", args=[leeds.pk])
    page = publisher.get(change)
    assert page.status_code == 200
    data = form_data(page)
    data["summary"] = "A summary saved while the cache was down."
    with django_capture_on_commit_callbacks(execute=True):
        assert publisher.post(change, data).status_code == 302
    leeds.refresh_from_db()
    assert leeds.summary == "A summary saved while the cache was down."
