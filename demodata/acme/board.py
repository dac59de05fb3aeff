"""Demo data for the board view: a snapshot of the board as presented, once the timeline
demo has active initiatives. Idempotent."""

from accounts.models import Role
from calibration.board.compare import take_snapshot
from calibration.board.figures import board_figures
from calibration.board.models import BoardSnapshot


def populate(org):
    if BoardSnapshot.objects.for_org(org).exists():
        return
    if not board_figures(org).rows:
        return
    ceo = org.member_with_role(Role.CEO)
    today = org.today()
    take_snapshot(
        org,
        by=ceo,
        title=f"Board meeting {today:%B %Y}",
        meeting_date=today,
    )
