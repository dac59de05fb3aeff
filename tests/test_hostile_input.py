"""Every form and HTMX endpoint a leader can reach gets random and hostile input.

Found by walking the pages (and the fragments they load), so new forms are covered without
editing this file. Whatever is posted: never a 500, never our script echoed unescaped, and a
refused submission changes nothing that was saved."""

import os
import re
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Invitation, Organization, User
from calibration.models import Change
from tests import urlwalk

pytestmark = pytest.mark.django_db

# Six per form in every run (the far, huge and leap-day values of every date and number
# field are offered deterministically below); FUZZ_EXAMPLES=N to try more.
EXAMPLES_PER_FORM = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# CI replays the same inputs every run; FUZZ_RANDOM=1 explores new ones.
DERANDOMIZE = not os.environ.get("FUZZ_RANDOM")
SCRIPT = "<script>alert('calibrate')</script>"
# Forms whose job is to end the session or that change the fuzzing account itself.
SKIP_ACTIONS = ("/accounts/logout/", "/accounts/password_change/")

hostile = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            SCRIPT,
            f'"><img src=x onerror=alert(1)>{SCRIPT}',
            "x" * 100_000,
            "a" * 300 + "@example.com",
            "ﷺ𝔘\u202e\u200b 漢字 émoji 🚀",
            "-1",
            "0",
            "-99999999999999999999999",
            "1e308",
            "NaN",
            "99999999999999999999",
            "3.14159265358979323846264338327950288",
            "2027-02-30",
            "0000-00-00",
            "9999-12-31",
            "1900-01-01",
            "0001-01-01",
            "2200-01-01",
            "2028-02-29",
            "' OR 1=1 --",
            "\x00",
            "../../etc/passwd",
        ]
    ),
)


def invitation_path(invitation):
    return f"/accounts/invitation/{invitation.token}/"


def fuzzable_forms(client, org):
    ids = urlwalk.record_ids(org, per_type=1)
    seen, forms = set(), []
    for page_url, name, html in urlwalk.get_pages(client, org, ids):
        for form in urlwalk.parse(html).forms:
            if form["method"] != "post":
                continue
            action = urljoin(page_url, form["action"] or page_url)
            key = (
                action,
                tuple(sorted(k for k in form["fields"] if not k.startswith("__options__"))),
            )
            if key in seen or action.startswith(SKIP_ACTIONS):
                continue
            seen.add(key)
            forms.append((name, action, form))
    return forms


def hostile_submission(data, form):
    fields = {k: v for k, v in form["fields"].items() if not k.startswith("__options__")}
    payload = {}
    for name, original in fields.items():
        choice = data.draw(st.sampled_from(["hostile", "keep", "omit", "twice"]), label=name)
        if choice == "omit":
            continue
        if choice == "keep":
            options = form["fields"].get("__options__" + name)
            payload[name] = original if original is not None else (options[0] if options else "")
        elif choice == "twice":
            payload[name] = [data.draw(hostile), data.draw(hostile)]
        else:
            payload[name] = data.draw(hostile)
    return payload


def hostile_poster(client, action, form, tried):
    """A hypothesis test posting hostile submissions to one form."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def post_hostile(data):
        payload = hostile_submission(data, form)
        changes_before = Change.objects.count()
        headers = {"HTTP_HX_REQUEST": "true"} if form["htmx"] else {}
        response = client.post(action, payload, **headers)
        body = response.content.decode(errors="replace")
        assert response.status_code < 500, (action, payload)
        assert SCRIPT not in body, f"{action} echoed a script unescaped"
        refused = response.status_code in (400, 409, 422) or (
            response.status_code == 200 and ("field--error" in body or "form-errors" in body)
        )
        if refused:
            assert Change.objects.count() == changes_before, f"{action} refused input yet saved"
        tried[action] = tried.get(action, 0) + 1

    return post_hostile


def fuzz(client, forms):
    """Post hostile submissions to each form; returns how many were tried per form."""
    tried = {}
    for _name, action, form in forms:
        hostile_poster(client, action, form, tried)()
    print(f"\nhostile input: {sum(tried.values())} submissions to {len(tried)} forms")
    for action, count in sorted(tried.items()):
        print(f"  {count:4d}  {action}")
    return tried


def test_every_organization_form_survives_hostile_input():
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    client = Client()
    client.force_login(User.objects.get(email="ceo@acme.example"))
    forms = fuzzable_forms(client, org)

    tried = fuzz(client, forms)

    assert set(tried) == {action for _, action, _ in forms} and len(forms) >= 4


def test_every_public_form_survives_hostile_input():
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    invitation = Invitation.objects.create(
        organization=org,
        email="new@acme.example",
        role="observer",
        invited_by=org.member_with_role("ceo"),
    )
    client = Client()
    forms = []
    for url in (
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password_reset/",
        invitation_path(invitation),
    ):
        for form in urlwalk.parse(client.get(url).content.decode()).forms:
            if form["method"] == "post":
                forms.append((url, urljoin(url, form["action"] or url), form))

    tried = fuzz(client, forms)

    assert set(tried) == {action for _, action, _ in forms} and len(forms) == 4


# Far past, far future and huge numbers: every date and number field refuses them, at the
# field. A leap day is a real date: it may be taken, or refused by a rule about other fields.
FAR_DATES = ("1900-01-01", "0001-01-01", "9999-12-31", "2200-01-01")
LEAP_DAY = "2028-02-29"
HUGE_NUMBERS = (str(10**20), "-1", str(10**308))
EXPONENT = "1e308"
DATE_TYPES = ("date", "datetime-local")
NUMBER_TYPES = ("number", "decimal", "numeric")


def range_offers(form):
    """({field name: value}, must be refused): each far or huge value typed into every date
    (or every number) field of `form` at once — each refusal must name every one of them."""
    dates = {n: k for n, k in form["types"].items() if k in DATE_TYPES}
    numbers = {n: k for n, k in form["types"].items() if k in NUMBER_TYPES}

    def typed(fields, value, kind_of_value):
        return {name: kind_of_value(kind, value) for name, kind in fields.items()}

    def as_date(kind, day):
        return day + ("T10:00" if kind == "datetime-local" else "")

    def as_number(kind, number):
        # A text input for an amount reads "1e308" as 1 in the unit "e308": only number inputs.
        return number if number != EXPONENT or kind == "number" else str(10**308)

    if dates:
        for day in FAR_DATES:
            yield typed(dates, day, as_date), True
        yield typed(dates, LEAP_DAY, as_date), False
    if numbers:
        for number in (*HUGE_NUMBERS, EXPONENT):
            yield typed(numbers, number, as_number), True


def forms_with_ranged_fields(client, org):
    """The pages a leader can open ((url, is a fragment)) and, one of each kind (the same form
    on every row of a list is offered once), the forms with a date or number field:
    (page, is a fragment, action, form)."""
    pages, found = [], {}
    ids = urlwalk.record_ids(org, per_type=1)
    for page_url, name, html in urlwalk.get_pages(client, org, ids):
        fragment = name.endswith("(fragment)")
        pages.append((page_url, fragment))
        for form in urlwalk.parse(html).forms:
            action = urljoin(page_url, form["action"] or page_url)
            if form["method"] != "post" or action.startswith(SKIP_ACTIONS):
                continue
            if not any(range_offers(form)):
                continue
            key = (resolve(action.split("?")[0]).route, tuple(sorted(form["fields"])))
            found.setdefault(key, (page_url, fragment, action, form))
    return pages, list(found.values())


def fresh_form(client, page_url, fragment, action, fields):
    """The form as the page shows it now (its version moved after an accepted save)."""
    headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
    html = client.get(page_url, **headers).content.decode()
    for form in urlwalk.parse(html).forms:
        if urljoin(page_url, form["action"] or page_url) == action and form["fields"].keys() == (
            fields
        ):
            return form
    return None


def submission(form, typed):
    """What the browser submits, with the values `typed` ({field name: value}) typed in."""
    payload = {}
    for field, original in form["fields"].items():
        if field.startswith("__options__"):
            continue
        options = form["fields"].get("__options__" + field)
        payload[field] = original if original is not None else (options[0] if options else "")
    return {**payload, **typed}


def test_every_date_and_number_field_refuses_values_out_of_range_at_the_field():
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    client = Client()
    client.force_login(User.objects.get(email="ceo@acme.example"))
    offered = []
    pages, forms = forms_with_ranged_fields(client, org)

    for page_url, fragment, action, form in forms:
        for typed, must_refuse in range_offers(form):
            changes_before = Change.objects.count()
            headers = {"HTTP_HX_REQUEST": "true"} if form["htmx"] else {}
            response = client.post(action, submission(form, typed), **headers)
            body = response.content.decode(errors="replace")
            accepted = Change.objects.count() != changes_before
            assert response.status_code < 500, (action, typed)
            if must_refuse:
                assert not accepted, f"{action} took {typed}"
                refused_at = set(re.findall(r'id="id_([\w-]+)_errors"', body))
                assert set(typed) <= refused_at, f"{action}: {typed} refused at {refused_at}"
            offered.extend((action, name) for name in typed)
            if accepted:
                form = fresh_form(client, page_url, fragment, action, form["fields"].keys())
                if form is None:  # the save took the form off the page (a row became done)
                    break

    # Whatever was taken (a leap day), every page still opens.
    statuses = {}
    for url, fragment in pages:
        statuses[url] = client.get(url, **({"HTTP_HX_REQUEST": "true"} if fragment else {}))
    assert not {url: r.status_code for url, r in statuses.items() if r.status_code >= 500}
    offered_fields = sorted(set(offered))
    print(f"\nranges: {len(offered)} values offered to {len(offered_fields)} fields")
    for action, name in offered_fields:
        print(f"  {action} {name}")
    assert len(offered_fields) >= 10
