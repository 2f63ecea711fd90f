"""Setting up one's keys in the browser: a demo organizer without keys opens /account/keys
from the dashboard, gets the emergency kit once, and from then on logs in with the password
and the Secret Key from the kit (the password alone is refused)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from casebook.demo.seed import DEMO_PASSWORD
from tests.browser.test_accessibility import violations
from tests.browser.web_app import (
    LOGIN_SECONDS,
    Site,
    demo_email,
    horizontal_overflow,
    log_in,
    new_context,
)

# An organizer no other browser test logs in as: its keys are set up here.
ACCOUNT = "member.tacoma"
SECRET_KEY = re.compile(r"^CBSK1(-[0-9A-Z]{5}){6}$")
RECOVERY_CODE = re.compile(r"^CBRC1(-[0-9A-Z]{5}){6}$")
SAFETY_NUMBER = re.compile(r"^\d{5}( \d{5}){11}$")
KEYS_LINK = 'main a[href="/account/keys"]'

# Run on a page that loads libsodium (the incident form): the keys this tab unlocked, or null.
RESTORE = """async () => {
    const unlock = await import("/static/js/unlock.js");
    const unlocked = await unlock.restoreUnlocked();
    return unlocked === null ? null : unlocked.bundle.identity.userId;
}"""


def set_up_keys(page: Page, site: Site) -> str:
    """From the dashboard's link, set up the keys; returns the Secret Key read off the kit."""
    page.locator(KEYS_LINK).click()
    page.wait_for_url(f"{site.url}/account/keys")
    expect(page.locator("#keys-button")).to_be_enabled()
    assert not violations(page), violations(page)
    page.get_by_label("Your password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Your password again", exact=True).fill(DEMO_PASSWORD + "x")
    page.get_by_role("button", name="Set up my keys").click()
    expect(page.locator("#status")).to_contain_text("The two passwords differ")
    page.get_by_label("Your password", exact=True).fill(DEMO_PASSWORD + "x")
    page.get_by_role("button", name="Set up my keys").click()
    expect(page.locator("#status")).to_contain_text(
        "That is not the password this account logs in with", timeout=LOGIN_SECONDS * 1000
    )
    page.get_by_label("Your password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Your password again", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Set up my keys").click()
    kit = page.get_by_role("region", name="Casebook emergency kit")
    expect(kit).to_be_visible(timeout=LOGIN_SECONDS * 1000)
    expect(kit).to_contain_text("Shown only now")
    expect(page.locator("#kit-email")).to_have_text(demo_email(ACCOUNT))
    expect(page.locator("#kit-server")).to_have_text(site.url)
    expect(page.locator("#kit-recovery-code")).to_have_text(RECOVERY_CODE)
    expect(page.locator("#kit-safety-number")).to_have_text(SAFETY_NUMBER)
    assert not violations(page), violations(page)
    assert not horizontal_overflow(page), "the kit scrolls sideways on a phone"
    secret_key = page.locator("#kit-secret-key").inner_text().strip()
    assert SECRET_KEY.match(secret_key), secret_key
    return secret_key


def log_in_again(page: Page, site: Site, secret_key: str) -> None:
    """Log out; the password alone is refused now; with the Secret Key, the dashboard opens."""
    page.locator("form.logout button").click()
    page.wait_for_url(re.compile(r"/login"))
    page.locator("#email").fill(demo_email(ACCOUNT))
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page.locator("#status")).to_have_text(
        "Wrong email, password or Secret Key.", timeout=LOGIN_SECONDS * 1000
    )
    assert page.url.startswith(f"{site.url}/login")
    page.locator("#secret-key").fill(secret_key)
    page.locator("#login-button").click()
    page.wait_for_url(f"{site.url}/", timeout=LOGIN_SECONDS * 1000)


def unlocked_user(page: Page, site: Site) -> str | None:
    page.goto(f"{site.url}/incidents/new")
    user_id: str | None = page.evaluate(RESTORE)
    return user_id


def test_an_organizer_sets_up_keys_in_the_browser_and_logs_in_with_them(
    browser: Browser, site: Site
) -> None:
    context = new_context(browser)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, site.url, demo_email(ACCOUNT))
        secret_key = set_up_keys(page, site)
        page.reload()
        expect(page.locator("#keys-present")).to_be_visible()
        expect(page.locator("#kit")).to_have_count(0)
        # This tab's session goes on, and the unwrap key kept for it opens the stored bundle.
        user_id = unlocked_user(page, site)
        assert user_id is not None
        log_in_again(page, site, secret_key)
        expect(page.locator(KEYS_LINK)).to_have_count(0)
        assert unlocked_user(page, site) == user_id
    finally:
        context.close()
    assert not errors, errors
