"""Content-Security-Policy: every response carries it, scripts only from this site; and no
template holds an inline script or an event-handler attribute that the policy would block."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script

from ptdv.accounts.models import Role
from ptdv.factories import make_tree, user_with_role

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [ROOT / "ptdv" / "templates", *sorted((ROOT / "ptdv").glob("*/templates"))]

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


# --- the header ------------------------------------------------------------------------------


def assert_policy(url: str, response) -> None:
    policy = directives(response["Content-Security-Policy"])
    for name, value in EXPECTED.items():
        assert policy.get(name) == value, (url, name, policy)
    assert "unsafe" not in policy["script-src"] and "unsafe" not in policy["default-src"]


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_policy(client):
    """Pages, fragments, errors, the admin, the API and its reference page, signed in or not."""
    tree = make_tree()
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    anonymous = [reverse("login"), "/api/v1/docs/", "/api/v1/people/", "/no-such-page/", "/admin/"]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code in (200, 302, 401), (url, response.status_code)
        assert_policy(url, response)
    client.force_login(admin)
    pages = [
        reverse("home"),
        reverse("targets:dashboard", args=[tree["province"].pk]),
        reverse("candidacies:list"),
        reverse("accounts:password_change"),
        "/admin/",
        "/api/v1/people/",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert_policy(url, response)
    fragment = client.get(reverse("candidacies:list"), headers={"HX-Request": "true"})
    assert_policy("fragment", fragment)


def test_the_policy_is_configured_in_the_base_settings():
    from config.settings import base

    assert "csp.middleware.CSPMiddleware" in base.MIDDLEWARE
    configured = base.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert configured["script-src"] == ["'self'"]
    assert settings.CONTENT_SECURITY_POLICY == base.CONTENT_SECURITY_POLICY


# --- the templates ---------------------------------------------------------------------------

# <script …>…</script>: allowed only with a src and nothing inside, or as JSON data.
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=", re.DOTALL)
HTMX_ON = re.compile(r"\s(?:data-)?hx-on[:\-]", re.IGNORECASE)
JS_URL = re.compile(r"javascript\s*:", re.IGNORECASE)
HTMX_EVAL = re.compile(
    r"""\s(?:data-)?hx-(?:vals|vars)\s*=\s*['"]\s*(?:js|javascript)\s*:"""
    r"""|\s(?:data-)?hx-trigger\s*=\s*['"][^'"]*\[""",
    re.IGNORECASE,
)


def inline_code(text: str) -> list[str]:
    """What in a template (or a page) the policy would refuse to run: inline scripts, event
    handler attributes, htmx's hx-on and eval'd expressions, javascript: URLs."""
    found = []
    for attributes, body in SCRIPT.findall(text):
        is_json = re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes, re.I)
        if is_json:
            continue
        if "src=" not in attributes.replace(" ", "") or body.strip():
            found.append(f"inline <script{attributes}>")
    found += [f"handler {name}=" for name in HANDLER.findall(text)]
    found += ["hx-on" for _ in HTMX_ON.findall(text)]
    found += ["javascript: URL" for _ in JS_URL.findall(text)]
    found += ["htmx eval" for _ in HTMX_EVAL.findall(text)]
    return found


def test_the_scanner_finds_what_the_policy_blocks():
    """The scan below would pass vacuously if it found nothing: it must flag each form."""
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<script src="/static/x.js">alert(1)</script>')
    assert inline_code('<select name="y" onchange="this.form.submit()">')
    assert inline_code('<body\n  onload="go()">')
    assert inline_code('<button hx-on:click="alert(1)">')
    assert inline_code('<div hx-on-htmx-after-request="x()">')
    assert inline_code('<a href="javascript:void(0)">')
    assert inline_code("""<div hx-vals='js:{a: b()}'>""")
    assert inline_code('<input hx-trigger="keyup[ctrlKey]">')
    assert not inline_code("<script src=\"{% static 'ptdv/ptdv.js' %}\" defer></script>")
    assert not inline_code('<script id="d" type="application/json">{"a": 1}</script>')
    assert not inline_code('<select data-ptdv-autosubmit class="x">')
    assert not inline_code('<p>Nộp hồ sơ online = nhanh</p><div hx-trigger="every 1s">')


def test_no_template_holds_inline_script_or_handlers():
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 40
    offences = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert offences == {}


def test_json_script_data_is_not_executable():
    """Chart data reaches dashboard.js through json_script: a JSON element, which the browser
    does not run, with the markup characters escaped."""
    element = json_script({"labels": ["</script><script>alert(1)</script>"]}, "ptdv-charts")
    assert element.startswith('<script id="ptdv-charts" type="application/json">')
    assert "<script>alert" not in element and inline_code(element) == []


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _value in attrs if name.startswith("on")]


@pytest.mark.django_db
def test_rendered_dashboard_loads_its_code_from_static_files(client):
    tree = make_tree()
    client.force_login(user_with_role(tree["province"], Role.ADMINISTRATOR))
    page = client.get(reverse("targets:dashboard", args=[tree["province"].pk])).content.decode()
    parsed = _Scripts()
    parsed.feed(page)
    assert parsed.handlers == []
    sources = [s["src"] for s in parsed.scripts if s.get("src")]
    assert any(src.endswith("/ptdv/ptdv.js") for src in sources)
    assert any(src.endswith("/ptdv/dashboard.js") for src in sources)
    assert any(src.endswith("/chart.js/dist/chart.umd.js") for src in sources)
    data = [s for s in parsed.scripts if not s.get("src")]
    assert data == [{"id": "ptdv-charts", "type": "application/json"}]
    assert "data-ptdv-autosubmit" in page and "onchange" not in page
    assert '"includeIndicatorStyles": false' in page
