"""Static files storage for production (DJANGO_DEBUG=0).

WhiteNoise's compressed manifest storage (hashed, gzip/brotli-compressed file names, cached
forever) with two additions for the front end built by ``npm run build``:

* ``support_js_module_import_aggregation``: Django (4.2+) rewrites ``import ... from
  "./x.js"`` statements to the hashed file names. Django applies that only to ``*.js``
  files, so the same patterns are added here for ``*.mjs``: ``static/dist/casebase.mjs``
  imports ``./govuk-frontend.min.js``, which becomes ``./govuk-frontend.<hash>.min.js``.
  Without it the browser would load the unhashed file, and a new release could pair the
  new entry with a stale cached Frontend (or the other way round).
* ``static/src/`` holds the build's inputs (Sass and the JS entry before it is copied to
  ``static/dist/``). Its files are collected but not post-processed: the JS entry's
  relative import only resolves once copied next to Frontend in ``static/dist/``, and
  nothing should link to ``src/``.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

SOURCE_PREFIX = "src/"


def _js_patterns(storage_class):
    """The regex patterns Django applies to ``*.js`` files (source-map comments)."""
    return tuple(
        pattern
        for extension, patterns in storage_class.patterns
        if extension == "*.js"
        for pattern in patterns
    )


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    # Django's __init__ appends its ("*.js", import/export patterns) entry because of the
    # flag above; ES module files get the same treatment here.
    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        (
            "*.mjs",
            (
                *_js_patterns(CompressedManifestStaticFilesStorage),
                *CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1],
            ),
        ),
    )

    def post_process(self, paths, *args, **kwargs):
        paths = {name: value for name, value in paths.items() if not name.startswith(SOURCE_PREFIX)}
        yield from super().post_process(paths, *args, **kwargs)
