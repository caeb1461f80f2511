"""Every response carries a strict Content-Security-Policy, and no template relies on what it
refuses (inline scripts, inline styles, event-handler attributes). The browser tests
(tests/e2e, with their violation watch) show the pages work under it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

STRICT = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"), "an inline <script>"),
    (re.compile(r"<style\b"), "a <style> element"),
    (re.compile(r"\sstyle\s*="), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an event-handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_every_response_carries_the_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    for directive in STRICT:
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_signed_in_pages_carry_the_policy(client, member, community):
    client.force_login(member)
    response = client.get(reverse("communities:home", kwargs={"slug": community.slug}))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_needs_inline_script_or_style():
    found = []
    for template in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(settings.BASE_DIR)}: {what}")
    assert found == []
