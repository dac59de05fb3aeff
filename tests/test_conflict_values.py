"""The conflict table writes every value as a person reads it: a choice by its label (never
"continue" beside "Stop"), a date as every page writes it."""

import re

import pytest
from django.utils.html import strip_tags

from tests.test_merge import call, opened, planning_cycle, save

pytestmark = pytest.mark.django_db


def conflict_cells(page):
    """The cells of the conflict table's first row: before either, theirs, yours, keep."""
    panel = page.split('class="conflict-table"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", panel, re.S)
    return [re.sub(r"\s+", " ", strip_tags(cell)).strip() for cell in cells]


def both_change(kind, ceo_client, cto_client, ceos, ctos):
    """The CEO saves `ceos`, then the CTO `ctos`, both from the version they opened."""
    ceo_form, cto_form = opened(ceo_client, kind), opened(cto_client, kind)
    save(ceo_client, kind, ceo_form, **ceos)
    return save(cto_client, kind, cto_form, **ctos)


def test_a_call_in_conflict_is_shown_by_its_labels(org, ceo, cto, ceo_client, cto_client):
    kind = call(org, ceo, cto)

    page = both_change(
        kind,
        ceo_client,
        cto_client,
        ceos={"kind": "stop"},
        ctos={"kind": "redirect", "rewrite": "Event sourcing for the ledger only"},
    )

    before, theirs, yours = conflict_cells(page)[:3]
    assert before == "Continue — ahead of the business strategy, on purpose"
    assert theirs == "Stop"
    assert yours == "Redirect — to a CEO bet, or rewrite it"


def test_a_date_in_conflict_reads_as_every_page_writes_dates(org, ceo, cto, ceo_client, cto_client):
    kind = planning_cycle(org, ceo, cto)

    page = both_change(
        kind,
        ceo_client,
        cto_client,
        ceos={"starts_on": "2027-01-17"},
        ctos={"starts_on": "2027-01-24"},
    )

    assert conflict_cells(page)[:3] == ["10 Jan 2027", "17 Jan 2027", "24 Jan 2027"]
