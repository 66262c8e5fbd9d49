"""An editor signed in to the admin, in a browser context of their own (their own cookies)."""


def signed_in(chromium, base_url, username, width=1280, bypass_csp=True):
    # bypass_csp lets a test inject axe-core (tests/browser/axe.py); the pages' own scripts are unaffected. A test
    # that proves the pages' scripts work under the site's Content-Security-Policy passes bypass_csp=False.
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def save(page, summary):
    page.fill("#id_edit_summary", summary)
    with page.expect_navigation():
        page.click("input[name=_continue]")
