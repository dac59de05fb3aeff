"""What the organization home shows for each conversation.

Each conversation app may offer `home_section(org, user, earlier)` in its `home.py`, returning
the context its `<app>/_home.html` template needs; the home page renders them in order.
`earlier` holds the contexts of the sections above it, by app, so that a later section (the
Cadence section's conversation health) reuses what they read instead of reading it again.
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
    sections, earlier = [], {}
    for app, title in CONVERSATIONS:
        name = f"calibration.{app}.home"
        context = import_module(name).home_section(org, user, earlier) if find_spec(name) else {}
        earlier[app] = context
        sections.append({"app": app, "title": title, "template": f"{app}/_home.html", **context})
    return sections
