"""A confirmation before an action that cannot simply be undone.

Without JavaScript the form's first post answers with a page asking for the person's yes,
which posts the same fields again with `confirmed=yes`; with JavaScript a dialog asks
first (static/js/app.js) and adds that field itself.
"""

from flask import render_template, request

CONFIRMED = "confirmed"


def confirmed() -> bool:
    """Whether the person said yes to the action this request asks for."""
    return request.form.get(CONFIRMED) == "yes"


def ask(question: str, action: str, back: str, details: list[str] | None = None) -> str:
    """The page asking `question`, whose button says `action`; `back` cancels."""
    fields = [
        (name, value)
        for name, values in request.form.lists()
        for value in values
        if name not in ("csrf_token", CONFIRMED)
    ]
    return render_template(
        "confirm.html",
        question=question,
        action=action,
        back=back,
        fields=fields,
        details=details or [],
    )
