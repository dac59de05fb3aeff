"""Templates hold no inline script or style, so the Content Security Policy can forbid both."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
# Mail and PDF are not served under the policy: mail clients need inline styles, and
# WeasyPrint reads styles from the HTML it is given.
EXEMPT_PARTS = {"email", "emails", "pdf"}


def page_templates():
    for path in TEMPLATES.rglob("*.html"):
        if not EXEMPT_PARTS & set(path.relative_to(TEMPLATES).parts) and "pdf" not in path.stem:
            yield path


def test_no_template_has_inline_script_or_event_handlers():
    offenders = [
        str(p.relative_to(TEMPLATES))
        for p in page_templates()
        if INLINE_SCRIPT.search(p.read_text()) or EVENT_HANDLER.search(p.read_text())
    ]
    assert not offenders


def test_no_template_has_inline_styles():
    offenders = [
        str(p.relative_to(TEMPLATES))
        for p in page_templates()
        if STYLE_ATTRIBUTE.search(p.read_text()) or STYLE_ELEMENT.search(p.read_text())
    ]
    assert not offenders
