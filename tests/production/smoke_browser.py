"""The browser half of bin/smoke-production (not a pytest module: run by the script).

Drives Debian's Chromium against a production gunicorn (PORTAL_ENV=production,
hashed static files, BEHIND_TLS_PROXY=1; every request carries
``X-Forwarded-Proto: https`` as a TLS proxy would add it) through the demo data:

1. the log-in page: every stylesheet and script it references answers 200, the
   styles are applied, and the health checks answer over plain HTTP;
2. a partner (``gold``) signs in, completes the one-time profile if asked, and
   submits one Office 365 incident to its confirmation page;
3. the support engineer (``engineer``) finds it in the queue;
4. program staff (``staff``) open the Django admin.

Any 5xx, failed request, non-200 static file, console error, page error or CSP
violation anywhere fails the run. Usage: smoke_browser.py BASE_URL
"""

import re
import sys
import urllib.error
import urllib.request

from playwright.sync_api import sync_playwright

PASSWORD = "demo-portal-2024"
CHROMIUM = "/usr/bin/chromium"
# Reported to the console by the page itself, so a violation shows up like an error.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


class Watch:
    """Collects every problem the browser reports, and every static file it loads."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.problems: list[str] = []
        self.static: dict[str, int] = {}

    def attach(self, page):
        page.on("response", self.on_response)
        page.on(
            "requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}")
        )
        page.on("console", self.on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"{response.status} on {response.url}")
        if "/static/" in response.url:
            self.static[response.url] = response.status
            if response.status != 200:
                self.problems.append(f"static file {response.url} answered {response.status}")

    def on_console(self, msg):
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text} ({msg.location.get('url')})")


def step(title: str) -> None:
    print(f"--> {title}", flush=True)


def check_plain_http(base_url: str) -> None:
    """Health checks answer over plain HTTP; everything else is redirected to HTTPS."""
    step("health checks over plain HTTP; other pages redirect to HTTPS")
    for path, expected in (("/healthz", "ok"), ("/readyz", "ready")):
        with urllib.request.urlopen(base_url + path, timeout=10) as response:
            body = response.read().decode().strip()
            assert response.status == 200 and body == expected, (path, response.status, body)
            assert response.headers["Cache-Control"] == "no-store", path
            assert "Set-Cookie" not in response.headers, path

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(base_url + "/accounts/login/", timeout=10)
        raise AssertionError("plain HTTP log-in page was not redirected")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 301 and redirect.headers["Location"].startswith("https://"), (
            redirect.code,
            redirect.headers["Location"],
        )


def new_page(browser, watch: Watch):
    context = browser.new_context(
        base_url=watch.base_url,
        extra_http_headers={"X-Forwarded-Proto": "https"},
        viewport={"width": 1280, "height": 900},
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch.attach(page)
    return context, page


def check_login_page(page, watch: Watch) -> None:
    step("log-in page with its CSS and JS")
    response = page.goto("/accounts/login/")
    assert response.status == 200, response.status
    page.wait_for_load_state("load")
    assets = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet], script[src]')]
                  .map((el) => el.href || el.src)"""
    )
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), (
        assets
    )
    for url in assets:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), f"not a hashed static URL: {url}"
        assert watch.static.get(url) == 200, f"{url}: {watch.static.get(url)}"
    # Bootstrap really applied: the primary button is Bootstrap blue, not the browser's grey.
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('main button[type=submit]')).backgroundColor"
    )
    assert colour == "rgb(13, 110, 253)", colour
    print(f"    {len(assets)} stylesheets and scripts, all 200")


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"], cookies
    if page.url.endswith("/profile/"):
        complete_profile(page)


def complete_profile(page) -> None:
    step("one-time profile")
    page.click("main button[type=submit]:has-text('Continue')")
    page.get_by_role("heading", name="How we reach you").wait_for()
    page.select_option("select[name='contact-language']", "en")
    page.check("input[name='contact-contact_method'][value='phone']")
    page.click("main button[type=submit]:has-text('Continue')")
    page.get_by_role("heading", name="Check your answers").wait_for()
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)


def choose_first(page, name: str) -> None:
    """Pick the first real option once the script has filled the dependent list."""
    select = page.locator(f"select[name='{name}']")
    select.locator("option:not([value=''])").first.wait_for(state="attached")
    value = select.locator("option:not([value=''])").first.get_attribute("value")
    select.select_option(value)


def submit_office365_incident(page) -> str:
    step("partner submits an Office 365 incident")
    page.get_by_role("link", name="Submit Office 365 incident online").click()
    page.wait_for_url("**/incidents/office365/new/")
    for name in ("issue_type", "service", "service_area", "problem_area"):
        choose_first(page, f"problem-{name}")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Add a detailed description").wait_for()
    page.get_by_label("Title").fill("Smoke test: outbound mail is delayed")
    page.get_by_label("Description").fill("Mail to external recipients waits for hours.")
    page.get_by_label("Contact phone number").fill("+36 1 234 5678")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Add supporting information").wait_for()
    page.get_by_label(re.compile("A — critical")).check()
    page.get_by_label("Tenant domain").fill("northwind.onmicrosoft.com")
    page.get_by_label("Number of users affected").fill("40")
    page.get_by_label("When did it start?").fill("2026-01-10T09:00")
    page.get_by_label("What have you tried so far?").fill("Restarted the connector.")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Attach file").wait_for()
    page.get_by_label("Files").set_input_files(
        [{"name": "trace.log", "mimeType": "text/plain", "buffer": b"12:00 queued\n"}]
    )
    page.get_by_role("button", name="Submit").click()
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    print(f"    incident {number.inner_text()} confirmed")
    return number.inner_text()


def run(watch: Watch) -> None:
    base_url = watch.base_url
    check_plain_http(base_url)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        try:
            context, page = new_page(browser, watch)
            check_login_page(page, watch)
            step("partner log-in (gold)")
            log_in(page, "gold")
            number = submit_office365_incident(page)
            context.close()

            step("engineer queue")
            context, page = new_page(browser, watch)
            log_in(page, "engineer")
            assert page.goto("/incidents/queue/").status == 200
            page.get_by_text(number).first.wait_for()
            context.close()

            step("Django admin as staff")
            context, page = new_page(browser, watch)
            log_in(page, "staff")
            assert page.goto("/admin/").status == 200
            page.locator("#site-name").wait_for()
            assert page.goto("/admin/incidents/incident/").status == 200
            page.get_by_text(number).first.wait_for()
            context.close()
        finally:
            browser.close()
    print(f"    {len(watch.static)} distinct static files loaded")


def main() -> int:
    watch = Watch(sys.argv[1].rstrip("/"))
    try:
        run(watch)
    finally:
        for problem in watch.problems:
            print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if watch.problems else 0


if __name__ == "__main__":
    sys.exit(main())
