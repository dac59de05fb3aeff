"""What the organization home shows for each conversation.

Each conversation app may offer `home_section(org, user)` in its `home.py`, returning the
context its `<app>/_home.html` template needs; the home page renders them in order.
"""

from importlib import import_module
from importlib.util import find_spec

CONVERSATIONS = [
    ("constraints", "What we can't build"),
    ("timeline", "What the real timeline is"),
    ("alignment", "Where strategy has diverged"),
    ("reminders", "Cadence"),
]


def conversation_sections(org, user):
    sections = []
    for app, title in CONVERSATIONS:
        name = f"calibration.{app}.home"
        context = import_module(name).home_section(org, user) if find_spec(name) else {}
        sections.append({"app": app, "title": title, "template": f"{app}/_home.html", **context})
    return sections
