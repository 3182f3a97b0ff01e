"""What a person does in the admin, in a few words each, for the browser tests."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "browser-test-password"


def log_in(page: Page, user) -> None:
    """Log in through /admin/login/ as `user`, as a person would."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))


def select_rows(page: Page, *pks: int) -> None:
    """Tick the changelist checkboxes of these rows."""
    for pk in pks:
        page.check(f"input[name=_selected_action][value='{pk}']")


def run_action(page: Page, action: str) -> None:
    """Choose a bulk action in the changelist's dropdown and press Go."""
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def messages(page: Page):
    """The admin's message list (success, warning and error messages)."""
    return page.locator("ul.messagelist")


def row(page: Page, pk: int):
    """The changelist row of the object with this primary key (its link is the row's th)."""
    return page.locator("#result_list tbody tr").filter(
        has=page.locator(f"th a[href*='/{pk}/change/']")
    )


def post_anyway(page: Page, url: str, fields: dict[str, str]) -> None:
    """Submit a hand-made form (with the page's CSRF token), as a tampering user would."""
    with page.expect_navigation():
        page.evaluate(
            """([url, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = url;
                const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
                const all = {...fields, csrfmiddlewaretoken: csrf};
                for (const [name, value] of Object.entries(all)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [url, fields],
        )
