"""A long form leads to what needs a change: a summary at the top links to each field, and
the first of them takes the focus — without JavaScript too (an autofocus attribute)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_long_form_summarises_its_errors_and_focuses_the_first(cto_client, org, cto):
    response = cto_client.post(
        reverse("timeline:new", args=[org.slug]),
        {
            "title": "Payments",
            "owner": cto.pk,
            "status": "proposed",
            "start_date": "2027-01-04",
            "version": 0,
        },
    )

    page = response.content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_best_date"' in summary and 'href="#id_expected_date"' in summary
    assert page.count("autofocus") == 1
    assert 'name="best_date"' in page.split("autofocus")[0].rsplit("<input", 1)[1]
