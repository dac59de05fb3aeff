"""The drift view reads the company's bets, links and calls by its organization: joining
bets to calls made PostgreSQL hash every company's calls to find this one's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calibration.alignment.models import Call, Side
from tests.alignment.conftest import add_bet, link, make_call
from tests.test_company_scoped_queries import unscoped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]


def test_the_drift_view_reads_only_its_companys_bets_links_and_calls(ceo_client, sheet, ceo, cto):
    logos = add_bet(sheet, Side.CEO, "Logos", ceo)
    sso = add_bet(sheet, Side.CTO, "SSO", cto)
    link(sheet, sso, logos, cto)
    make_call(sheet, add_bet(sheet, Side.CTO, "Events", cto), Call.CONTINUE, cto)
    with CaptureQueriesContext(connection) as ctx:
        assert ceo_client.get("/o/acme/alignment/drift/").status_code == 200
    for table in ("alignment_bet", "alignment_betlink", "alignment_call"):
        found = [q for q in ctx.captured_queries if re.search(rf'FROM "{table}"', q["sql"])]
        assert found and unscoped(found, table) == [], table
