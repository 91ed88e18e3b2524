"""Search ranks a match by the first part of the case study that holds every word of the query
(casebase/catalogue/search.py, LEVELS): on PostgreSQL each level of parts gets its own vector and
GIN index, and every search goes through the GIN indexes without reading a vector (issue 16).

- A plain query on a GIN index over a tsvector needs no recheck: a bitmap scan reads the index
  and the rows' pages, never the vectors. The rows are made narrow (`toast_tuple_target`), so
  the story and the vectors live in the TOAST table and a match of 90,000 documents reads a few
  thousand small pages, not the wide ones the stories fill.
- The planner does not count detoasting a vector as a cost: with statistics that say a word is in
  90 % of the documents, it read every row and every vector (a sequential scan, 0.3 to 0.7 s at
  100,000). Without statistics on the vector columns it takes the default selectivity for `@@`
  and always goes through the index. `search_vector` is recreated, since its old statistics
  would stay otherwise, and filled again with the same weighted words as before.
"""

import django.contrib.postgres.search
from django.db import migrations

LEVELS = {  # vector: its parts
    "title_vector": ("title",),
    "title_names_vector": ("title", "names"),
    "title_names_practices_vector": ("title", "names", "practices"),
}
VECTOR_COLUMNS = ("search_vector", *LEVELS)


def words_of(*columns: str) -> str:
    """As Django's SearchVector writes it: the parts joined by spaces."""
    text = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"to_tsvector('english'::regconfig, {text})"


POSTGRES_FORWARD = [
    "ALTER TABLE content_searchdocument SET (toast_tuple_target = 128)",
    "DROP INDEX IF EXISTS content_searchdocument_vector",
    "ALTER TABLE content_searchdocument DROP COLUMN search_vector",
    "ALTER TABLE content_searchdocument ADD COLUMN search_vector tsvector NULL",
    *(
        f"ALTER TABLE content_searchdocument ALTER COLUMN {column} SET STATISTICS 0"
        for column in VECTOR_COLUMNS
    ),
    "UPDATE content_searchdocument SET "
    f"search_vector = setweight({words_of('title')}, 'A') || setweight({words_of('names')}, 'A')"
    f" || setweight({words_of('practices')}, 'B') || setweight({words_of('body')}, 'C'), "
    + ", ".join(f"{vector} = {words_of(*parts)}" for vector, parts in LEVELS.items()),
    "CREATE INDEX content_searchdocument_vector ON content_searchdocument "
    "USING gin (search_vector)",
    *(
        f"CREATE INDEX content_searchdocument_{column} ON content_searchdocument "
        f"USING gin ({column})"
        for column in VECTOR_COLUMNS[1:]
    ),
]
POSTGRES_BACKWARD = [
    "ALTER TABLE content_searchdocument RESET (toast_tuple_target)",
    "ALTER TABLE content_searchdocument ALTER COLUMN search_vector SET STATISTICS -1",
    *(f"DROP INDEX IF EXISTS content_searchdocument_{column}" for column in VECTOR_COLUMNS[1:]),
]


def run_on_postgres(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0015_content_change_log"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="searchdocument",
                name=column,
                field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
            )
            for column in VECTOR_COLUMNS[1:]
        ),
        migrations.RunPython(run_on_postgres(POSTGRES_FORWARD), run_on_postgres(POSTGRES_BACKWARD)),
    ]
