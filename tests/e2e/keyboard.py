"""Moving through a page as a keyboard user does."""


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_second_factor(page, secret: str | None = None) -> None:
    """On the second step of sign-in, type the code an authenticator app would show."""
    import pyotp

    from app.services.demo import DEMO_TOTP_SECRET

    page.wait_for_url("**/login/second-factor")
    page.locator("#code").focus()
    page.keyboard.type(pyotp.TOTP(secret or DEMO_TOTP_SECRET).now())
    press_enter_and_wait(page)
