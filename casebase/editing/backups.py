"""Back up and restore the whole database: SQLite through its online backup API (a consistent
copy while the site keeps writing), PostgreSQL through pg_dump / pg_restore."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection


class BackupError(Exception):
    """Said to the operator as it is."""


def backup(output: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(output) as target:
            # One consistent snapshot, even while other processes write (WAL).
            connection.connection.backup(target)
        return
    if connection.vendor == "postgresql":
        run(["pg_dump", "--format=custom", "--no-owner", f"--file={output}", *pg_target()])
        return
    raise BackupError(f"No backup for the {connection.vendor} database.")


def restore(backup_file: Path) -> None:
    """Nothing else to do afterwards: the backup holds the content version of its own content,
    so the catalogue index and cached pages follow it, and a page cached under that very
    version was made from exactly the content restored."""
    if not backup_file.exists():
        raise BackupError(f"No backup file at {backup_file}.")
    if not database_is_empty():
        raise BackupError(
            "The database already holds content; restore only into an empty database "
            "(create a new one and point DATABASE_URL at it)."
        )
    if connection.vendor == "sqlite":
        connection.close()
        with sqlite3.connect(backup_file) as source, sqlite3.connect(db_path()) as target:
            source.backup(target)
        return
    if connection.vendor == "postgresql":
        connection.close()
        run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error",
             *pg_target(flag="--dbname"), str(backup_file)])  # fmt: skip
        return
    raise BackupError(f"No restore for the {connection.vendor} database.")


def database_is_empty() -> bool:
    """Empty: no tables yet, or tables with no content rows (a freshly migrated database)."""
    tables = set(connection.introspection.table_names())
    for model in apps.get_app_config("content").get_models():
        if model._meta.db_table in tables and model.objects.exists():
            return False
    return True


def db_path() -> str:
    return str(connection.settings_dict["NAME"])


def pg_target(flag: str = "--dbname") -> list[str]:
    settings = connection.settings_dict
    args = [f"{flag}={settings['NAME']}"]
    if settings.get("HOST"):
        args.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        args.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        args.append(f"--username={settings['USER']}")
    return args


def run(command: list[str]) -> None:
    env = {**os.environ, "PGPASSWORD": connection.settings_dict.get("PASSWORD") or ""}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")
