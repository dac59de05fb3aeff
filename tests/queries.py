"""Counting what a page costs, for the query-count tests (run them with the
`rendered_every_time` fixture, so that the page is rendered rather than served as kept)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """The queries of one GET of `url` that renders the page (asserted to be 200)."""
    client.get(url)  # the first visit to an organization records it in the session (a write)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)
