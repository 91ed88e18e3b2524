"""Backups: taken while editors save, they restore to a consistent dataset."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# An editor's save touches several rows at once: two findings and a summary naming the edit.
# It says each edit it has saved, and saves until the stop file exists.
WRITER = """
import sys, django; django.setup()
from pathlib import Path
from django.db import transaction
from casebase.content.models import CaseStudy, Finding, Source
source = Source.objects.get(slug="the-management-mission")
stop = Path(sys.argv[1])
edit = 0
while not stop.exists():
    edit += 1
    with transaction.atomic():
        Finding.objects.create(slug=f"pair-a-{edit}", statement="a", excerpt="a", source=source)
        Finding.objects.create(slug=f"pair-b-{edit}", statement="b", excerpt="b", source=source)
        CaseStudy.objects.filter(slug="oldham-college").update(summary=f"edit {edit}")
    print(edit, flush=True)
"""


CHECK = """
import django, json; django.setup()
from casebase.content.models import CaseStudy, Finding
a = Finding.objects.filter(slug__startswith="pair-a-").count()
b = Finding.objects.filter(slug__startswith="pair-b-").count()
summary = CaseStudy.objects.get(slug="oldham-college").summary
print(json.dumps([a, b, summary]))
"""


def environment(database_url: str) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "casebase.settings",
            "DATABASE_URL": database_url}  # fmt: skip


def manage(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def python(database_url: str, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment(database_url),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def content_checksum(database_url: str) -> str:
    dump = manage(database_url, "dumpdata", "content", "--exclude", "content.searchdocument")
    rows = sorted(json.loads(dump), key=lambda row: (row["model"], str(row["pk"])))
    for row in rows:
        row["fields"].pop("updated_at", None)  # identical copies; kept out for clarity only
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


@pytest.fixture
def live(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    manage(url, "migrate", "--no-input")
    manage(url, "load_compendium")
    return url


def saved(writer: subprocess.Popen, at_least: int) -> int:
    """Wait until the writer says it has saved `at_least` edits; return how many it has."""
    edits = 0
    while edits < at_least:
        line = writer.stdout.readline()
        assert line, "the writer stopped early"
        edits = int(line)
    return edits


def test_a_backup_taken_while_editors_save_holds_whole_edits_only(live, tmp_path):
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        cwd=ROOT, env=environment(live), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # Edits before the backup and after it, however slowly either process runs.
        before = saved(writer, 10)
        backup_file = tmp_path / "during.sqlite3"
        manage(live, "backup", "--output", str(backup_file))
        committed = json.loads(python(live, CHECK))[0]  # by the end of the backup, or later
        edits = saved(writer, committed + 1)
    finally:
        stop.touch()
        writer.communicate(timeout=60)

    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    manage(restored, "restore", str(backup_file))
    a, b, summary = json.loads(python(restored, CHECK))
    assert a == b, "no half-saved edit"
    assert summary == f"edit {a}", "the summary names the last whole edit"
    assert before <= a < edits, "the backup caught the editor mid-flow"


def test_a_restored_backup_matches_the_original_row_for_row(live, tmp_path):
    backup_file = tmp_path / "night.sqlite3"
    assert "Backed up to" in manage(live, "backup", "--output", str(backup_file))
    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    manage(restored, "restore", str(backup_file))
    assert content_checksum(restored) == content_checksum(live)
    search = "import django; django.setup(); from casebase.catalogue import search; " \
             "from casebase.content.models import CaseStudy; " \
             "print(list(search.matching(CaseStudy.objects.all(), 'Tuddenham')" \
             ".values_list('slug', flat=True)))"  # fmt: skip
    assert python(restored, search) == "['calderdale']", "the search index came back too"


def test_restore_refuses_a_database_that_holds_content(live, tmp_path):
    backup_file = tmp_path / "b.sqlite3"
    manage(live, "backup", "--output", str(backup_file))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_file)],
        cwd=ROOT, env=environment(live), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "restore only into an empty database" in result.stderr


def test_backup_refuses_to_overwrite_a_file(live, tmp_path):
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("yesterday")
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(existing)],
        cwd=ROOT, env=environment(live), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0 and "exists already" in result.stderr
    assert existing.read_text() == "yesterday"


@pytest.mark.django_db
def test_postgresql_backups_restore_row_for_row(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of CI (make test-postgres)")
    server = connection.settings_dict
    base = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    names = [f"casebase_backup_{os.getpid()}_{which}" for which in ("live", "restored")]
    admin = f"{base}/postgres"
    run_sql = (
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL'], autocommit=True); "
        "c.execute('DROP DATABASE IF EXISTS {name}'); c.execute('CREATE DATABASE {name}')"
    )
    for name in names:
        subprocess.run([sys.executable, "-c", run_sql.format(name=name)], env=environment(admin),
                       check=True)  # fmt: skip
    live, restored = (f"{base}/{name}" for name in names)
    manage(live, "migrate", "--no-input")
    manage(live, "load_compendium")
    backup_file = tmp_path / "night.dump"
    manage(live, "backup", "--output", str(backup_file))
    manage(restored, "restore", str(backup_file))
    assert content_checksum(restored) == content_checksum(live)
    drop = run_sql.replace("; c.execute('CREATE DATABASE {name}')", "")
    for name in names:
        subprocess.run([sys.executable, "-c", drop.format(name=name)], env=environment(admin),
                       check=True)  # fmt: skip
