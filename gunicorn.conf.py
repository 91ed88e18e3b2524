"""Gunicorn's settings for `make serve` and the benchmarks (read from the working directory)."""

import gc


def post_worker_init(worker) -> None:
    """Once a worker has loaded Django, move what is alive (Django's and the libraries' code,
    about 130,000 objects) out of the cyclic garbage collector's sight: a full collection
    walked all of it, a 34 ms pause in whichever reader's request set it off (measured in a
    worker that had served the catalogue, a search, a practice page and the evidence map at
    100,000 case studies), against well under 1 ms once frozen. At worker start, never in a
    reader's request."""
    gc.collect()
    gc.freeze()
