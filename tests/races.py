"""Run jobs at the same moment on separate threads, each with its own database connection,
so two leaders' requests really race on PostgreSQL (the tests that use this need
`django_db(transaction=True)`)."""

import threading

from django.db import connection


def at_once(*jobs):
    """Start every job together (a barrier); return each one's result, or what it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
