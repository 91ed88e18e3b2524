"""Readers browsing the public site while editors save case studies in the admin.

Run by bench/load.py (see bench/README-load.md), which prepares the database, creates the
editors' accounts and passes them in LOAD_EDITORS as "username:password:case-study-pk" entries
separated by commas, one entry per editor. Run it by hand with:

    LOAD_EDITORS=alice:secret:1,bob:secret:2 bench/.venv-locust/bin/locust \
        -f bench/locustfile.py --headless -u 52 -r 10 -t 2m --host http://127.0.0.1:8000

`Editor.fixed_count` editors (2, or LOAD_EDITOR_COUNT) are started first; every other user is a
Reader. Any response other than 2xx/3xx is a failure, and so is an editor's save that does not
redirect (a refused edit conflict or a form error included).

The site runs with DJANGO_DEBUG=0, which expects a TLS proxy in front of it: session and CSRF
cookies are marked Secure and HTTPS POSTs need a matching Origin. The users stand in for that
proxy: they send X-Forwarded-Proto: https, editors send Secure cookies back over the
plain-HTTP connection and the Origin and Referer a browser would.
"""

import collections
import json
import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
CONFLICT_MESSAGE = "Someone else saved this record"
SECTORS = ["healthcare", "local-government", "education"]
QUERIES = ["leadership", "staff", "training"]
# Marks the load test's own addition to a summary, so each save replaces the previous one.
EDIT_MARK = re.compile(r"\s*\[load test: save \d+ by [\w.@+-]+\]$")

# Slugs found on the pages readers visit, shared by every user of this process.
DISCOVERED: dict[str, set[str]] = {"case-studies": set(), "practices": set(), "sectors": set()}
# Public pages by the page cache's X-Page-Cache header: hit, miss, revalidated or none.
PAGE_CACHE: collections.Counter = collections.Counter()


# --- Reading forms and links out of HTML --------------------------------------------------


class FormParser(HTMLParser):
    """The name/value pairs a browser would submit for one form, in document order.

    Follows the HTML form submission rules: disabled controls, unchecked checkboxes and
    radios, buttons other than the one pressed, and file inputs are not sent; a select sends
    its selected options (a single select without one sends its first option); a textarea
    loses the single newline that follows its start tag.
    """

    SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id: str, submit_name: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.submit_name = submit_name
        self.in_form = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
            self.found = self.found or self.in_form
            return
        if not self.in_form:
            return
        name = attributes.get("name")
        disabled = "disabled" in attributes
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if not name or disabled:
                return
            if kind in self.SKIPPED_TYPES:
                if kind == "submit" and name == self.submit_name:
                    self.fields.append((name, attributes.get("value", "")))
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attributes.get("value", default)))
        elif tag == "select":
            self.select = {
                "name": None if disabled else name,
                "multiple": "multiple" in attributes,
                "options": [],
            }
        elif tag == "option" and self.select is not None:
            self.option = {
                "value": attributes.get("value"),
                "text": "",
                "selected": "selected" in attributes,
                "disabled": disabled,
            }
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": None if disabled else name, "text": ""}

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            self.finish_select()
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            if self.textarea["name"]:
                self.fields.append((self.textarea["name"], text))
            self.textarea = None

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["text"] += data

    def finish_select(self):
        select, self.select, self.option = self.select, None, None
        if not select["name"]:
            return
        options = [option for option in select["options"] if not option["disabled"]]
        chosen = [option for option in options if option["selected"]]
        if not select["multiple"]:
            chosen = chosen[-1:] or options[:1]
        for option in chosen:
            value = option["value"]
            if value is None:
                value = " ".join(option["text"].split())
            self.fields.append((select["name"], value))


def form_fields(html: str, form_id: str, submit_name: str | None = None) -> list[tuple[str, str]]:
    parser = FormParser(form_id, submit_name)
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise ValueError(f'no <form id="{form_id}"> on the page')
    return parser.fields


def replace_field(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    if not any(field == name for field, _ in fields):
        raise ValueError(f"the form has no {name!r} field")
    return [(field, value if field == name else old) for field, old in fields]


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "link" and attributes.get("rel") in ("stylesheet", "icon"):
            self.links.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.links.append(attributes["src"])


def links(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    return [link for link in parser.links if link]


SLUG_LINK = re.compile(r"^/(case-studies|practices|sectors)/([a-z0-9-]+)/$")


def discover(html: str) -> None:
    for link in links(html):
        match = SLUG_LINK.match(link.split("#")[0])
        if match:
            DISCOVERED[match.group(1)].add(match.group(2))


def error_summary(html: str) -> str:
    """The admin's error messages on a refused form, as one line."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    text = " | ".join(re.sub(r"<[^>]+>", "", item).strip() for item in found)
    return " ".join(text.split())[:300] or "no error message found"


class ProxiedUser(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers.update(PROXY_HEADERS)

    def keep_secure_cookies(self):
        """Secure cookies go back over this plain-HTTP connection, which stands for the proxy's
        HTTPS one. (requests sends them over https only, and copies its cookie jar, policy
        lost, for every request: clearing the flag on the client's side is what works.)"""
        for cookie in self.client.cookies:
            cookie.secure = False


# --- Readers --------------------------------------------------------------------------------


class Reader(ProxiedUser):
    """Someone browsing: the catalogue with filters, case studies, practices, the map."""

    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        home = self.get("/", name="/")
        if home is not None:
            # A browser fetches the page's styles, scripts and icon once, then caches them.
            for asset in {link for link in links(home) if link.startswith("/static/")}:
                self.get(asset, name="/static/[asset]")
        for path in ("/case-studies/", "/practices/"):
            self.get(path, name=path)

    def get(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if not 200 <= response.status_code < 400:
                response.failure(f"HTTP {response.status_code} for {path}")
                return None
            response.success()
            if "text/html" in response.headers.get("Content-Type", ""):
                PAGE_CACHE[response.headers.get("X-Page-Cache", "none")] += 1
                discover(response.text)
                return response.text
            return ""

    def pick(self, kind: str, fallback: list[str]) -> str:
        return random.choice(sorted(DISCOVERED[kind]) or fallback)

    @task(5)
    def catalogue(self):
        params = []
        if random.random() < 0.5:
            params.append(("sector", random.choice(SECTORS)))
        if random.random() < 0.4:
            params.append(("practice", self.pick("practices", ["visible-leadership"])))
        if random.random() < 0.4:
            params.append(("q", random.choice(QUERIES)))
        query = "&".join(f"{key}={value}" for key, value in params)
        self.get(
            f"/case-studies/?{query}" if query else "/case-studies/", "/case-studies/?[filters]"
        )

    @task(4)
    def case_study(self):
        slug = self.pick("case-studies", ["leeds-teaching-hospitals"])
        self.get(f"/case-studies/{slug}/", "/case-studies/[slug]/")

    @task(2)
    def practice(self):
        slug = self.pick("practices", ["visible-leadership"])
        self.get(f"/practices/{slug}/", "/practices/[slug]/")

    @task(1)
    def practices(self):
        self.get("/practices/", "/practices/")

    @task(1)
    def sector(self):
        self.get(f"/sectors/{random.choice(SECTORS)}/", "/sectors/[slug]/")

    @task(1)
    def evidence_map(self):
        by_outcome = random.random() < 0.3
        self.get("/evidence-map/?by=outcome" if by_outcome else "/evidence-map/", "/evidence-map/")

    @task(1)
    def home(self):
        self.get("/", "/")


# --- Editors --------------------------------------------------------------------------------


def editor_accounts() -> list[tuple[str, str, str]]:
    accounts = []
    for entry in os.environ.get("LOAD_EDITORS", "").split(","):
        if entry.strip():
            username, password, pk = entry.strip().split(":", 2)
            accounts.append((username, password, pk))
    return accounts


ACCOUNTS = editor_accounts()
FREE_ACCOUNTS = list(ACCOUNTS)  # an editor takes one as it starts, returns it as it stops
SAVES: dict[str, int] = {}


class Editor(ProxiedUser):
    """Signs in once, then opens its own case study, changes the summary and saves."""

    fixed_count = int(os.environ.get("LOAD_EDITOR_COUNT", "2"))
    wait_time = between(2, 5)

    def on_start(self):
        super().on_start()
        self.signed_in = False
        if not FREE_ACCOUNTS:
            raise RuntimeError(f"{len(ACCOUNTS)} editor accounts, all in use: set LOAD_EDITORS")
        self.account = FREE_ACCOUNTS.pop(0)
        self.username, password, self.pk = self.account
        self.change_url = f"/admin/content/casestudy/{self.pk}/change/"
        self.origin = "https://" + urlsplit(self.host).netloc
        SAVES.setdefault(self.username, 0)
        with self.client.get("/admin/login/", name="admin: sign-in page", catch_response=True) as r:
            self.keep_secure_cookies()
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                return
            fields = dict(form_fields(r.text, "login-form"))
        fields.update(username=self.username, password=password, next="/admin/")
        with self.client.post(
            "/admin/login/",
            data=fields,
            headers=self.browser_headers("/admin/login/"),
            name="admin: sign in",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            self.keep_secure_cookies()
            if r.status_code == 302 and r.headers.get("Location") == "/admin/":
                self.signed_in = True
                r.success()
            else:
                r.failure(f"sign-in as {self.username} refused: HTTP {r.status_code}")

    def on_stop(self):
        FREE_ACCOUNTS.append(self.account)

    def browser_headers(self, path: str) -> dict[str, str]:
        return {"Origin": self.origin, "Referer": self.origin + path}

    @task
    def edit_summary(self):
        if not self.signed_in:
            return  # the failed sign-in is recorded once; retrying would trip the lockout
        with self.client.get(
            self.change_url, name="admin: case study form", catch_response=True
        ) as r:
            self.keep_secure_cookies()
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                return
            try:
                fields = form_fields(r.text, "casestudy_form", submit_name="_save")
                summary = dict(fields)["summary"]
                if "editing_since" not in dict(fields):
                    raise ValueError("the form has no editing_since field")
            except (ValueError, KeyError) as error:
                r.failure(f"unexpected form: {error}")
                return
            r.success()
        number = SAVES[self.username] + 1
        summary = EDIT_MARK.sub("", summary) + f" [load test: save {number} by {self.username}]"
        fields = replace_field(fields, "summary", summary)
        with self.client.post(
            self.change_url,
            data=fields,
            headers=self.browser_headers(self.change_url),
            name="admin: save case study",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            self.keep_secure_cookies()
            if r.status_code == 302:
                SAVES[self.username] = number
                r.success()
            elif r.status_code == 200 and CONFLICT_MESSAGE in r.text:
                r.failure("edit conflict: the save was refused (editors must not share a record)")
            elif r.status_code == 200:
                r.failure(f"form refused: {error_summary(r.text)}")
            else:
                r.failure(f"HTTP {r.status_code}")


@events.quitting.add_listener
def report(environment, **kwargs):
    """What locust's statistics do not hold, for bench/load.py (which reads this line)."""
    print("LOAD-RESULT " + json.dumps({"saves": SAVES, "page_cache": PAGE_CACHE}), flush=True)
