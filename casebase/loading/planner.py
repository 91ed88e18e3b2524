"""The database's query planner statistics, refreshed after a bulk load.

SQLite keeps none until ANALYZE runs, and without them it may pick the least selective index: at
100,000 case studies, fetching the practices of a page of twenty case studies walked every
published application by the status index (441 ms) instead of looking the twenty up (1 ms).
PostgreSQL's autovacuum analyzes in time; right after a bulk load is sooner.
"""

from django.db import connection


def refresh_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
