"""Search of the whole site (issue 17, item 7): one document per published record of every kind
(casebase/catalogue/sitewide.py), searched at /search/.

- SQLite: an FTS5 index over the document table ("external content"), kept in step by
  triggers as content_searchdocument's is (migration 0002), with the same tokenizer.
- PostgreSQL: every word (`search_vector`) and the title's words (`title_vector`), each with a
  GIN index, rows kept narrow and no statistics on the vectors, as migration 0016 does for the
  case studies' documents, so a common word is matched through the index without reading a
  vector.

The table starts empty: `manage.py rebuild_search_index` (or `load_compendium`) fills it.
"""

import django.contrib.postgres.search
from django.db import migrations, models

TABLE = "content_sitedocument"
FTS = "content_sitedocument_fts"
SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title, body, content="{TABLE}", content_rowid="id",
        tokenize="porter unicode61 remove_diacritics 2")""",
    f"""CREATE TRIGGER {TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    f"""CREATE TRIGGER {TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    END""",
    f"""CREATE TRIGGER {TABLE}_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
VECTORS = ("search_vector", "title_vector")
POSTGRES_FORWARD = [
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
    *(f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STATISTICS 0" for column in VECTORS),
    *(f"CREATE INDEX {TABLE}_{column} ON {TABLE} USING gin ({column})" for column in VECTORS),
]
POSTGRES_BACKWARD = [f"DROP INDEX IF EXISTS {TABLE}_{column}" for column in VECTORS]


def run_for_vendor(sqlite: list[str], postgres: list[str]):
    def run(apps, schema_editor):
        statements = {"sqlite": sqlite, "postgresql": postgres}.get(
            schema_editor.connection.vendor, []
        )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0017_organisation_profile"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteDocument",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("case-studies", "Case studies"),
                            ("organisations", "Organisations"),
                            ("people", "People"),
                            ("practices", "Practices"),
                            ("findings", "Survey findings"),
                            ("recommendations", "Recommendations"),
                            ("testimonials", "Testimonials"),
                            ("sources", "Sources"),
                        ],
                        max_length=20,
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("title", models.TextField()),
                ("body", models.TextField(help_text="The rest of its searchable text.")),
                ("meta", models.TextField(help_text="What it is, shown under its title.")),
                (
                    "url",
                    models.CharField(
                        help_text="Where it is shown; empty for nowhere.", max_length=500
                    ),
                ),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                (
                    "title_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="site_document_one_per_record"
                    )
                ],
            },
        ),
        migrations.RunPython(
            run_for_vendor(SQLITE_FORWARD, POSTGRES_FORWARD),
            run_for_vendor(SQLITE_BACKWARD, POSTGRES_BACKWARD),
        ),
    ]
