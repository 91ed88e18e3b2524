"""The settings are safe by default and refuse an unsafe production start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from casebase.content.models import CaseStudy

ROOT = Path(__file__).resolve().parents[1]


def import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import casebase.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_with_nothing_set_it_is_a_local_development_setup():
    result = import_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['localhost', '127.0.0.1', '[::1]']"


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    result = import_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_with_a_secret_key_starts_with_its_hosts():
    result = import_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="casebase.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['casebase.example.org']"


def test_a_malformed_debug_flag_is_an_error_not_a_guess():
    result = import_settings(DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


def test_sqlite_runs_in_wal_mode_and_waits_for_the_write_lock(tmp_path):
    script = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); "
        "print([cursor.execute(f'PRAGMA {name}').fetchone()[0] "
        "for name in ('journal_mode', 'busy_timeout')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "casebase.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "['wal', 20000]", result.stderr
    assert settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_the_deploy_checks(tmp_path):
    """As on a fresh machine: an empty database, nothing migrated yet."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3#v9!p0-" + "Zq7Wm2Lx8Rt4Ny6Bc1Hd5Gf3Js0Ke9Ua" * 2,
            "DJANGO_ALLOWED_HOSTS": "casebase.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def postgres_options(**env: str) -> str:
    code = (
        "import casebase.settings as s; "
        "print(sorted(s.DATABASES['default'].get('OPTIONS', {}).items()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://casebase@127.0.0.1:5432/casebase", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_prepares_statements_unless_told_not_to():
    assert postgres_options() == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    assert postgres_options(DATABASE_PREPARED_STATEMENTS="0") == "[]"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_statement_run_five_times_on_a_connection_is_prepared_for_the_next():
    for _ in range(6):
        list(CaseStudy.objects.published().filter(slug="norfolk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("content_casestudy" in statement and "slug" in statement for statement in prepared)
