"""Django set up inside a benchmark's own process, as production runs it: DEBUG off, plain
HTTP, the page cache off. DATABASE_URL names the database; `default_database` is used when it
is not set (bench/run.py's SQLite file of 100,000 case studies)."""

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DEFAULT_DATABASE = BENCH / "data" / "casebase-100000.sqlite3"


def setup(default_database: Path | None = DEFAULT_DATABASE) -> None:
    sys.path.insert(0, str(BENCH.parent))
    if default_database is not None:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{default_database}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="casebase.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" * 3),
        DJANGO_SECURE_SSL_REDIRECT="0",
        PAGE_CACHE_SECONDS="0",
    )
    import django

    django.setup()
