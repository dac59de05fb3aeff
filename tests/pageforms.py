"""What a browser would submit for a form on a page: hidden and text inputs, textareas with
their text, the selected option of each select (the first one if none is), checked boxes
and radios — so tests can fill in a form exactly as a person sees it."""

from html.parser import HTMLParser
from urllib.parse import urlsplit


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # (action, [(name, value)])
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = (urlsplit(a.get("hx-post") or a.get("action") or "").path, [])
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form[1].append((a["name"], a.get("value", "on")))
                return
            self._form[1].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # A newline right after <textarea> is not part of its text (HTML spec).
            name, text = self._textarea
            self._form[1].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            value = chosen if chosen is not None else self._select["first"]
            if value is not None:
                self._form[1].append((self._select["name"], value))
            self._select = None
        elif tag == "form":
            self._form = None


def form_data(html, action, page=""):
    """{name: value or [values]} of the form on the page (at `page`) that posts to path
    `action` (a form without an action posts to its page)."""
    parser = _Forms()
    parser.feed(html)
    for path, pairs in parser.forms:
        if (path or urlsplit(page).path) == urlsplit(action).path:
            data = {}
            for name, value in pairs:
                if name in data:
                    data[name] = [*([data[name]] if isinstance(data[name], str) else data[name])]
                    data[name].append(value)
                else:
                    data[name] = value
            return data
    raise AssertionError(f"no form posting to {action} on the page")
