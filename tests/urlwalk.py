"""Helpers to walk the URLconf and the pages it serves, so access and input tests cover every
page — including ones added later — without being edited."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from calibration.models import Change


def org_patterns():
    """(route, pattern, converters) for each URL pattern under o/<slug:org>/."""

    def walk(entries, prefix, converters):
        for entry in entries:
            route = prefix + str(entry.pattern)
            conv = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, conv)
            elif isinstance(entry, URLPattern):
                yield route, entry, conv

    return [item for item in walk(get_resolver().url_patterns, "", {}) if "org" in item[2]]


def build(route, converters, org_slug, object_id):
    """The path of `route` with the organization's slug and `object_id` for every int parameter."""
    path = route
    for name, converter in converters.items():
        is_int = "Int" in type(converter).__name__
        value = org_slug if name == "org" else object_id if is_int else "x"
        start = path.find(f":{name}>")
        if start == -1:
            continue
        opening = path.rfind("<", 0, start)
        path = path[:opening] + str(value) + path[start + len(name) + 2 :]
    return "/" + path


def converters_of(route):
    """The parameter names of a route, e.g. {"org": ..., "pk": ...}."""
    return {item[0]: item[2] for item in org_patterns() if item[0] == route}.get(route, {}).items()


def takes_object(converters):
    return any(name != "org" for name in converters)


def record_ids(org, per_type=2):
    """A few ids of each kind of record the organization has (found through its history)."""
    ids = set()
    types = (
        Change.objects.filter(organization=org).values_list("content_type", flat=True).distinct()
    )
    for content_type_id in types:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        ids.update(
            model._base_manager.filter(organization=org).values_list("pk", flat=True)[:per_type]
        )
    return sorted(ids) or [1]


class FormParser(HTMLParser):
    """Collects forms (action or hx-post, method, fields) and hx-get links of a page.

    A form's "fields" are what a browser submits as the page fills it in: an input's value,
    a checked box or radio (unchecked ones are None, their values listed under
    "__options__<name>"), a textarea's text, a select's selected option (else its first); a
    name given several values maps to a list. "types" gives each field's input type (a text
    input's inputmode when it has one), "required" the fields marked required, and
    "buttons" the (name, value) of each named submit button."""

    def __init__(self):
        super().__init__()
        self.forms, self.hx_gets, self.links, self._form = [], [], [], None
        self._select = self._textarea = None

    def _add(self, name, value):
        fields = self._form["fields"]
        if fields.get(name) is None:
            fields[name] = value
        elif isinstance(fields[name], list):
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("href", "action", "hx-get", "hx-post"):
            if a.get(name):
                self.links.append(a[name])
        if a.get("hx-get"):
            self.hx_gets.append(a["hx-get"])
        if tag == "form":
            target = a.get("hx-post") or a.get("action") or ""
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = {
                "action": target,
                "method": method,
                "fields": {},
                "types": {},
                "buttons": [],
                "required": set(),
                "htmx": bool(a.get("hx-post")),
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag in ("input", "textarea", "select") and a.get("name"):
            name, kind = a["name"], a.get("type", tag)
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            # A text input asking for a number or an address says so in its inputmode.
            self._form["types"][name] = a.get("inputmode", kind) if kind == "text" else kind
            if "required" in a:
                self._form["required"].add(name)
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(name, None)
                self._form["fields"].setdefault("__options__" + name, []).append(
                    a.get("value", "on")
                )
            elif tag == "select":
                self._select = {
                    "name": name,
                    "options": [],
                    "chosen": [],
                    "multiple": "multiple" in a,
                }
            elif tag == "textarea":
                self._textarea = {"name": name, "text": []}
            else:
                self._add(name, a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["chosen"].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = self._select = self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"] or ([] if select["multiple"] else select["options"][:1])
            self._form["fields"].setdefault(select["name"], None)
            for value in chosen:
                self._add(select["name"], value)
            self._form["fields"]["__options__" + select["name"]] = select["options"]
        elif tag == "textarea" and self._textarea is not None:
            textarea, self._textarea = self._textarea, None
            text = "".join(textarea["text"])
            # A browser drops the newline right after <textarea> (Django writes one).
            self._add(textarea["name"], text[1:] if text.startswith("\n") else text)


def parse(html):
    parser = FormParser()
    parser.feed(html)
    return parser


def form_data(html, action, page=""):
    """What a browser would submit for the form on the page (at `page`) that posts to path
    `action` (a form without an action posts to its page)."""
    for form in parse(html).forms:
        if urlsplit(urljoin(page, form["action"])).path == urlsplit(action).path:
            return {
                name: value
                for name, value in form["fields"].items()
                if value is not None and not name.startswith("__options__")
            }
    raise AssertionError(f"no form posting to {action} on the page")


def get_pages(client, org, ids, limit=300):
    """Every org page a leader can GET: one per URL pattern (with a fitting id), then every
    page those link to (following redirects), and the fragments they load via hx-get (each
    fetched once)."""
    prefix = f"/o/{org.slug}/"
    queue, opened = [], {}
    for route, _pattern, conv in org_patterns():
        for object_id in ids if takes_object(conv) else [None]:
            url = build(route, conv, org.slug, object_id)
            response = client.get(url)
            if response.status_code == 200:
                queue.append((url, route))
                opened[url] = response  # the walk below reads it from here
                break
            if response.status_code == 405:  # POST only: no id makes it a page
                break
    pages, seen = [], set()
    while queue and len(pages) < limit:
        url, name = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = opened.pop(url, None)
        if response is None:
            response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        final = response.request["PATH_INFO"]
        html = response.content.decode()
        pages.append((final, name, html))
        seen.add(final)
        for link in parse(html).links:
            target = urljoin(final, link)
            parts = urlsplit(target)
            if parts.path.startswith(prefix) and not parts.query and target not in seen:
                queue.append((parts.path, name + " → link"))
    fragments, fetched = [], set()
    for url, name, html in pages:
        for hx in dict.fromkeys(parse(html).hx_gets):
            full = urljoin(url, hx)
            if urlsplit(full).path.startswith(prefix) and full not in fetched:
                fetched.add(full)  # many pages load the same fragment: fetch it once
                response = client.get(full, HTTP_HX_REQUEST="true")
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    fragments.append((full, name + " (fragment)", response.content.decode()))
    return pages + fragments


def linked_urls(html, base):
    """Every same-site path a page links to, resolved to its URL pattern's route."""
    found = {}
    for link in parse(html).links:
        path = urlsplit(urljoin(base, link)).path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        found.setdefault(match.route, path)
    return found


def leader_urls(client, org, ids):
    """{route: (pattern, url, status)}: for each organization URL pattern, a URL that a leader
    (logged in on `client`) can open, with an id that fits it. Parameters the walk cannot
    guess (a section's name) are taken from links the pages show."""
    opened, linked = {}, {}
    patterns = org_patterns()
    for route, pattern, conv in patterns:
        for object_id in ids if takes_object(conv) else [None]:
            url = build(route, conv, org.slug, object_id)
            response = client.get(url)
            if response.status_code != 404:
                opened[route] = (pattern, url, response.status_code)
                linked.update(linked_urls(response.content.decode(errors="replace"), url))
                break
    for route, pattern, _conv in patterns:
        if route not in opened and route in linked:
            opened[route] = (pattern, linked[route], client.get(linked[route]).status_code)
    return opened
