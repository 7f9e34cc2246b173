"""axe-core over every page each role can reach, shown empty and with errors (WCAG 2.0/2.1/2.2 A and AA).

The crawl list comes from the URL resolver, so a new page is covered without editing this test: a
pattern without arguments is reversed; a pattern with arguments gets the path its role-matrix entry
builds (``tests/<app>/matrix.py`` creates the object it needs). Each role signs in, starts at its home
page and visits every page; the pages that answer 200 with HTML are checked with axe and for
``aria-describedby`` ids that do not exist. Then each page's form is submitted empty, once, and the
page with its errors is checked the same way. ``/admin/``, the API and downloads are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from oversight.roles import Role
from tests.conftest import browser_login
from tests.role_matrix import Entry
from tests.test_role_matrix import ENTRIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Not pages a person reads: the admin, the API and its schema, health check, sign-out, the favicon,
# and downloads (files, not HTML; the crawl also skips any answer that is not HTML).
SKIP_PREFIXES = ("admin:", "api-", "api:")
SKIP_NAMES = {"healthz", "logout", "favicon", "password_reset_confirm"}
SKIP_WORDS = ("download", "export", "report")  # file downloads (a page named *report* that is HTML is still crawled)

DESCRIBEDBY_MISSING = """() => {
  const missing = [];
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) missing.push(`${el.id || el.name || el.tagName}: #${id}`);
    }
  }
  return missing;
}"""

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -- ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""

# A form worth submitting empty: it has a control a person fills in (not just a button).
SUBMIT_EMPTY = """(submit) => {
  const forms = [...document.querySelectorAll('main form[method=post], main form[method=POST]')];
  const form = forms.find(f => [...f.elements].some(e =>
    ['text', 'textarea', 'select-one', 'select-multiple', 'number', 'date', 'email', 'radio', 'checkbox', 'file', 'url']
      .includes(e.type) && e.offsetParent !== null));
  if (!form || !submit) return !!form;
  for (const e of form.elements) {
    if (['text', 'textarea', 'number', 'email', 'url', 'date'].includes(e.type)) e.value = '';
    if (e.type === 'select-one') e.selectedIndex = 0;
    if (e.type === 'radio' || e.type === 'checkbox') e.checked = false;
  }
  const button = form.querySelector('button:not([name]), input[type=submit], button');
  if (button) { button.click(); } else { form.requestSubmit(); }
  return true;
}"""


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or str(pattern.pattern).startswith(("admin/", "api/")):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{namespace}{pattern.name}", pattern))
    return found


def crawl_names() -> list[str]:
    names = []
    for name, _pattern in _patterns():
        if name.startswith(SKIP_PREFIXES) or name in SKIP_NAMES:
            continue
        if any(word in name.split(":")[-1] for word in SKIP_WORDS) and not name.endswith(":report"):
            continue
        names.append(name)
    return sorted(set(names))


def crawl_paths(make_user: Any) -> dict[str, str]:
    """url name -> a path to visit (objects are created for patterns with arguments)."""
    entries: dict[str, Entry] = {}
    for entry in ENTRIES:
        if entry.method == "get" and entry.url_name not in entries:
            entries[entry.url_name] = entry
    paths: dict[str, str] = {}
    for name in crawl_names():
        try:
            paths[name] = reverse(name)
            continue
        except NoReverseMatch:  # the pattern needs arguments: its matrix entry builds them
            found = entries.get(name)
        if found is None:
            continue  # POST-only (the matrix has no GET entry): no page to show
        path = found.resolve(make_user)
        if "format=" in path:
            continue
        paths[name] = path
    return paths


def check(page: Any, where: str) -> list[str]:
    page.add_script_tag(content=AXE)
    problems = [f"{where}: {v}" for v in page.evaluate(RUN_AXE, TAGS)]
    problems += [f"{where}: aria-describedby points nowhere: {m}" for m in page.evaluate(DESCRIBEDBY_MISSING)]
    return problems


@pytest.fixture
def page(_browser: Any, live_server: Any) -> Iterator[Any]:
    """A page that lets axe's script in (the app's Content-Security-Policy refuses inline scripts)."""
    context = _browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def reachable(client: Client, paths: dict[str, str]) -> list[tuple[str, str]]:
    """The pages ``client``'s user can open: 200 with HTML (a refusal, a redirect or a download is not one)."""
    found = []
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            found.append((name, path))
    return found


def test_every_page_for_every_role_has_no_axe_violations(page: Any, make_user: Any) -> None:
    users = {role: make_user(role) for role in Role}
    paths = crawl_paths(make_user)
    assert "cases:investigation_detail" in paths and "home" in paths  # the crawl found its pages
    problems: list[str] = []
    checked: set[str] = set()  # axe runs once per page; the header and menus differ by role only on home pages
    page.goto("/login/")
    problems += check(page, "anonymous /login/")
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        pages = reachable(client, paths)
        browser_login(page, user)
        problems += check(page, f"{role} home")
        for name, path in pages:
            if name in checked or name == "home":
                continue
            checked.add(name)
            page.goto(path)
            problems += check(page, f"{role} {path}")
            if page.evaluate(f"({SUBMIT_EMPTY})(false)"):
                with page.expect_navigation():
                    page.evaluate(f"({SUBMIT_EMPTY})(true)")
                problems += check(page, f"{role} {path} (submitted empty)")
        page.context.clear_cookies()
    assert len(checked) > 60, sorted(checked)
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_at_375_px_and_the_menu_collapses(page: Any, make_user: Any) -> None:
    from tests.cases.factories import InvestigationFactory

    InvestigationFactory.create_batch(3)
    crawl_paths(make_user)  # objects behind every page (commitments and ratings for the RAG grid)
    user = make_user(Role.ADMINISTRATOR, Role.CASE_EDITOR, Role.BOARD_CHAIR)
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, user)
    for path in ("/", "/cases/", "/commitments/", "/audits/overview/", "/performance/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways at 375 px: {width} px wide"
    toggle = page.locator(".govuk-service-navigation__toggle")
    assert toggle.is_visible()
    assert not page.locator("#navigation").is_visible()
    toggle.click()
    assert page.locator("#navigation").is_visible()


def test_a_paginated_list_has_no_axe_violations(page: Any, make_user: Any) -> None:
    """The pager ("Page 1 of 2") reads dark on white: GOV.UK's current-page item put it on a blue fill (3.2:1)."""
    from tests.cases.factories import InvestigationFactory

    InvestigationFactory.create_batch(60)
    browser_login(page, make_user(Role.CASE_EDITOR))
    page.goto("/cases/")
    assert "Page 1 of 2" in page.content()
    assert check(page, "/cases/") == []
