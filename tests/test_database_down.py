"""When the database is unreachable, pages answer 503 with Retry-After, /healthz says what is
wrong, and the site recovers by itself when the database returns."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def database_down(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    yield
    monkeypatch.undo()


@pytest.mark.parametrize("url", ["/", "/case-studies/", "/case-studies/norfolk/", "/api/sectors/"])
def test_pages_answer_503_with_retry_after_and_no_traceback(client, database_down, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Traceback" not in page and "Connection refused" not in page


def test_healthz_says_what_is_wrong_and_then_recovers(client, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}

    def unreachable(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json() == {
        "status": "error",
        "database": "unreachable (OperationalError)",
        "cache": "ok",
    }
    assert "no-cache" in down["Cache-Control"]
    monkeypatch.undo()  # the database is back
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_a_really_unreachable_postgresql_gives_503_not_500():
    script = (
        "import django, json; django.setup(); "
        "from django.test import Client; c = Client(raise_request_exception=False); "
        "home = c.get('/', HTTP_HOST='localhost'); "
        "health = c.get('/healthz', HTTP_HOST='localhost'); "
        "print(json.dumps([home.status_code, home.get('Retry-After'), health.status_code, "
        "health.json()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "casebase.settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",  # nothing listens there
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    last_line = result.stdout.strip().splitlines()[-1]
    assert json.loads(last_line) == [
        503,
        "30",
        503,
        {"status": "error", "database": "unreachable (OperationalError)", "cache": "ok"},
    ], result.stderr[-2000:]


def test_the_api_says_the_database_is_down_as_a_problem(client, database_down):
    client.raise_request_exception = False
    response = client.get("/api/sectors/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The database cannot be reached just now. Try again in 30 seconds.",
        "instance": "/api/sectors/",
    }
