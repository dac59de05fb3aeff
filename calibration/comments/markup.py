"""Markdown-lite for comments, rendered safely: the text is escaped first, then a few marks
become tags — **bold**, *italic*, `code`, lines starting with "- " as a list, web addresses
as links, @mentions of members — and nh3 (a well-kept HTML sanitiser) allows only those
tags through, so nothing a person types can become script or markup of its own."""

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

ALLOWED = {"p", "br", "strong", "em", "code", "ul", "li", "a", "span"}
ATTRIBUTES = {"a": {"href"}, "span": {"class"}}
URL = re.compile(r"\bhttps?://[^\s<>&\"']+[^\s<>&\"'.,;:!?)]")
CODE = re.compile(r"`([^`\n]+)`")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")


def mentioned(text, members):
    """The members (users) the text mentions: "@Ada Chen" by full name, or "@Ada" when only
    one member has that first name."""
    found = []
    firsts = {}
    for user in members:
        first = (user.name or "").split(" ")[0].lower()
        firsts.setdefault(first, []).append(user)
    lowered = text.lower()
    for user in members:
        names = [user.name] if user.name else []
        first = (user.name or "").split(" ")[0]
        if first and len(firsts.get(first.lower(), [])) == 1:
            names.append(first)
        if any(re.search(r"@" + re.escape(n.lower()) + r"\b", lowered) for n in names if n):
            found.append(user)
    return found


def render(text, mentioned_users=()):
    """The comment as safe HTML; the mentions of `mentioned_users` stand out."""
    names = {u.name for u in mentioned_users if u.name}
    names |= {n.split(" ")[0] for n in names}
    alternatives = "|".join(re.escape(escape(n)) for n in sorted(names, key=len, reverse=True))
    mention = re.compile(rf"@({alternatives})\b", re.IGNORECASE) if names else None
    blocks = re.split(r"\n\s*\n", text.strip())
    html = "".join(_block(block, mention) for block in blocks if block.strip())
    return mark_safe(
        nh3.clean(html, tags=ALLOWED, attributes=ATTRIBUTES, link_rel="nofollow noopener")
    )


def _block(block, mention):
    lines = block.split("\n")
    if all(line.lstrip().startswith("- ") for line in lines):
        items = "".join(f"<li>{_inline(line.lstrip()[2:], mention)}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>".join(_inline(line, mention) for line in lines) + "</p>"


def _inline(line, mention):
    text = escape(line.replace("\x00", ""))  # the marker kept for code spans below
    codes = []

    def keep_code(match):
        codes.append(match.group(1))
        return f"\x00{len(codes) - 1}\x00"

    text = CODE.sub(keep_code, text)
    text = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', text)
    text = BOLD.sub(r"<strong>\1</strong>", text)
    text = ITALIC.sub(r"<em>\1</em>", text)
    if mention:
        text = mention.sub(r'<span class="mention">@\1</span>', text)
    return re.sub("\x00(\\d+)\x00", lambda m: f"<code>{codes[int(m.group(1))]}</code>", text)
