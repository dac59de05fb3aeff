"""Demo initiatives for Acme. Idempotent: does nothing if Acme already has initiatives.

Each step is dated when it happened (``past.back_then``): the estimate history of an
initiative started six weeks ago spans six weeks. Acme's delivered past is in
``track_record.py``."""

from datetime import timedelta

from accounts.models import User
from calibration.timeline.models import Initiative, LeadingIndicator, SlipPlanStep

from .past import back_then, on
from .track_record import PRIYA


def populate(org):
    if Initiative.objects.for_org(org).exists():
        return
    ceo, cto = org.member_with_role("ceo"), org.member_with_role("cto")
    if not (ceo and cto):
        return
    today = org.today()

    def weeks(n):
        return today + timedelta(weeks=n)

    def back(n):
        """Write the block's history n weeks from today (n < 0: in the past)."""
        return back_then(org, on(org, weeks(n)))

    # 1. The board heard a date earlier than even the best case.
    with back(-6):
        billing = Initiative.create_shared(
            by=cto,
            organization=org,
            title="Usage-based billing",
            summary="Bill enterprise customers by metered usage instead of seats.",
            owner=cto,
            status=Initiative.Status.ACTIVE,
            start_date=weeks(-6),
            best_date=weeks(8),
            best_assumptions="Metering events are already reliable; finance signs off the rules in week 2.",
            best_risks="None beyond normal review.",
            expected_date=weeks(13),
            expected_assumptions="Two rounds of pricing-rule changes; one integration surprise.",
            expected_risks="Invoice reconciliation edge cases.",
            worst_date=weeks(20),
            worst_assumptions="The metering pipeline has to be rebuilt for exactly-once counting.",
            worst_risks="Double-counted usage found in the backfill; payment provider migration.",
            contingency_plan="Ship seat billing with a usage report first; switch invoices one "
            "cohort at a time.",
        )
    with back(-6):
        migration = LeadingIndicator.create_shared(
            by=cto,
            organization=org,
            initiative=billing,
            description="Metering backfill reconciles with last quarter's invoices",
            due_on=weeks(-1),
            if_missed="worst",
        )
    with back(-4):
        LeadingIndicator.create_shared(
            by=cto,
            organization=org,
            initiative=billing,
            description="Pricing rules signed off by finance",
            due_week=2,
            if_missed="expected",
            status=LeadingIndicator.Status.MET,
            resolved_on=weeks(-4),
            evidence="Sign-off email from the CFO, filed in the billing folder.",
        )
    with back(-6):
        LeadingIndicator.create_shared(
            by=cto,
            organization=org,
            initiative=billing,
            description="First pilot customer invoiced from usage",
            due_on=weeks(6),
            if_missed="worst",
        )
        SlipPlanStep.create_shared(
            by=ceo,
            organization=org,
            initiative=billing,
            owner=ceo,
            audience=SlipPlanStep.Whom.BOARD,
            message="Email the board chair: the new date range, why, and what we do meanwhile.",
            days_after=3,
        )
        SlipPlanStep.create_shared(
            by=cto,
            organization=org,
            initiative=billing,
            owner=cto,
            audience=SlipPlanStep.Whom.TEAM,
            message="All-hands note: what slipped, the contingency plan, no blame.",
            days_after=1,
        )
    with back(-3):
        billing.refresh_from_db()
        billing.expected_date = weeks(14)
        billing.expected_risks += " Finance asked for a second pricing tier."
        billing.save_shared(
            by=cto,
            expected_version=billing.version,
            note="Finance asked for a second pricing tier: one more week of rules and tests.",
        )
    with back(-2):
        billing.refresh_from_db()
        billing.commitment_date = weeks(5)
        billing.commitment_audience = Initiative.Audience.BOARD
        billing.save_shared(
            by=ceo, expected_version=billing.version, note="Announced at the Q3 board meeting"
        )
    migration.refresh_from_db()
    migration.status, migration.resolved_on = LeadingIndicator.Status.MISSED, weeks(-1)
    migration.save_shared(by=cto, expected_version=migration.version)

    # 2. On track, acknowledged by both.
    with back(-3):
        sso = Initiative.create_shared(
            by=cto,
            organization=org,
            title="Enterprise single sign-on",
            summary="SAML and SCIM so the partner's customers can roll Acme out company-wide.",
            owner=cto,
            status=Initiative.Status.ACTIVE,
            start_date=weeks(-3),
            best_date=weeks(5),
            best_assumptions="The identity library covers SAML as documented.",
            expected_date=weeks(7),
            expected_assumptions="Two customer IdPs need workarounds.",
            expected_risks="Security review finds something in session handling.",
            worst_date=weeks(11),
            worst_risks="We must write our own SAML handling.",
            contingency_plan="Offer Google/Microsoft OIDC first; SAML for the partner only.",
            commitment_date=weeks(9),
            commitment_audience=Initiative.Audience.PARTNER,
        )
    with back(-2):
        sso.refresh_from_db()
        sso.acknowledge(by=ceo, role="ceo", expected_version=sso.version)
        sso.acknowledge(by=cto, role="cto", expected_version=sso.version)
    with back(-3):
        LeadingIndicator.create_shared(
            by=cto,
            organization=org,
            initiative=sso,
            description="Login works end to end with the partner's test IdP",
            due_week=5,
            if_missed="worst",
        )
        SlipPlanStep.create_shared(
            by=ceo,
            organization=org,
            initiative=sso,
            owner=ceo,
            audience=SlipPlanStep.Whom.PARTNER,
            audience_name="Northwind (partner success lead)",
            message="Call Northwind: revised date and the OIDC stop-gap.",
            days_after=2,
        )

    # 3. Proposed, no commitment yet.
    with back(-1):
        Initiative.create_shared(
            by=cto,
            organization=org,
            title="Mobile offline mode",
            summary="Field teams keep working without a connection; sync when back online.",
            owner=cto,
            start_date=weeks(4),
            best_date=weeks(16),
            expected_date=weeks(22),
            worst_date=weeks(34),
            worst_risks="Conflict resolution needs a redesign of the sync protocol.",
            contingency_plan="Read-only offline mode first.",
        )

    # 4. Delivered: something to calibrate against.
    with back(-20):
        audit = Initiative.create_shared(
            by=cto,
            organization=org,
            title="Audit log export",
            summary="Customers export their audit log to their SIEM.",
            owner=cto,
            status=Initiative.Status.ACTIVE,
            start_date=weeks(-20),
            best_date=weeks(-14),
            expected_date=weeks(-11),
            worst_date=weeks(-7),
            commitment_date=weeks(-10),
            commitment_audience=Initiative.Audience.CUSTOMERS,
        )
    with back(-9):
        audit.refresh_from_db()
        audit.status, audit.delivered_on = Initiative.Status.DELIVERED, weeks(-9)
        audit.save_shared(by=cto, expected_version=audit.version, note="Shipped to all customers")

    # 5. Estimated by Priya, whose record is about calibrated: the adjusted forecast stays
    # close to the raw one (Tom's moves his).
    priya = User.objects.filter(email=PRIYA, memberships__organization=org).first() or cto
    with back(-4):
        warehouse = Initiative.create_shared(
            by=cto,
            organization=org,
            title="Data warehouse migration",
            summary="Move analytics off the nightly dump onto a streaming warehouse.",
            owner=priya,
            status=Initiative.Status.ACTIVE,
            start_date=weeks(-4),
            best_date=weeks(6),
            best_assumptions="The CDC connector handles our schema as it is.",
            expected_date=weeks(9),
            expected_assumptions="Two weeks of schema clean-up; dashboards ported by the analysts.",
            worst_date=weeks(14),
            worst_risks="The connector cannot keep up at month-end volume.",
            contingency_plan="Keep the nightly dump for finance until month-end is proven.",
            commitment_date=weeks(10),
            commitment_audience=Initiative.Audience.BOARD,
        )
    with back(-3):
        warehouse.refresh_from_db()
        warehouse.acknowledge(by=ceo, role="ceo", expected_version=warehouse.version)
        warehouse.acknowledge(by=cto, role="cto", expected_version=warehouse.version)
