"""gunicorn settings shared by every place gunicorn starts: docker-compose.yml, the Dockerfile
and the benchmarks (`gunicorn -c gunicorn.conf.py …`; their command lines add the bind
address and the worker count).

Each worker imports Django and the whole app once, then builds model instances and template
nodes by the thousand on every rendered page. Python's cyclic garbage collector keeps walking
the long-lived start-up objects (modules, classes, URL patterns, settings) on every full
collection: on the big pages that was a fifth to a quarter of the time. Freezing them after
start-up moves them out of the collector's sight (gc.freeze, Python 3.7+): they are never
freed anyway. Per worker, after the app is loaded: with preload_app off, each worker imports
the app itself after the fork.
"""

import gc


def post_worker_init(worker):
    gc.collect()  # free start-up garbage first, so that only what lives on is frozen
    gc.freeze()
