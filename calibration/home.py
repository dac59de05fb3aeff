"""What the organization home shows for each conversation, in order.

Each conversation app's `home.py` offers `home_section(org, user)`, returning the context
its `<app>/_home.html` template needs, its health line included; the Cadence section
(reminders) gathers those health lines.
"""

from calibration.alignment import home as alignment
from calibration.constraints import home as constraints
from calibration.reminders import home as reminders
from calibration.timeline import home as timeline

CONVERSATIONS = [
    ("constraints", "What we can't build", constraints.home_section),
    ("timeline", "What the real timeline is", timeline.home_section),
    ("alignment", "Where strategy has diverged", alignment.home_section),
]


def conversation_sections(org, user):
    sections = [
        {"app": app, "title": title, "template": f"{app}/_home.html", **section(org, user)}
        for app, title, section in CONVERSATIONS
    ]
    cadence = reminders.home_section(org, user, health=[s["health"] for s in sections])
    sections.append(
        {"app": "reminders", "title": "Cadence", "template": "reminders/_home.html", **cadence}
    )
    return sections
