"""The privacy notice a signed-in person accepts before going on, and again for each version."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import ButtonForm
from app.auth.pending import landing_url
from app.services.accounts import privacy
from app.services.errors import Conflict
from app.services.ids import parse_id
from app.utils import client_ip, safe_next_url

# Pages reachable before accepting: the notice itself, signing in and out, the public rules
# and notice, choosing a language, unsubscribing from emails, and what scripts and the
# page's own requests fetch.
OPEN = ("static", "auth.", "api.", "account.privacy_notice", "account.accept_privacy",
        "public.privacy_page", "public.rules", "public.set_language",
        "public.unsubscribe")  # fmt: skip


@bp.before_app_request
def ask_for_consent():
    """A page opened in the browser waits for the notice in force to be accepted; a form sent
    meanwhile still goes through, so nothing typed is lost."""
    if request.method not in ("GET", "HEAD") or "text/html" not in request.headers.get(
        "Accept", ""
    ):
        return None
    if request.endpoint is None or request.endpoint.startswith(OPEN):
        return None
    if not privacy.needs_consent(current_user):
        return None
    return redirect(url_for("account.privacy_notice", next=request.full_path.rstrip("?")))


@bp.get("/privacy")
@login_required
def privacy_notice():
    return render_template(
        "account/privacy.html",
        notice=privacy.current(),
        accepted=not privacy.needs_consent(current_user),
        next_url=safe_next_url(request.args.get("next")) or "",
        button=ButtonForm(),
    )


@bp.post("/privacy")
@login_required
def accept_privacy():
    next_url = safe_next_url(request.form.get("next")) or landing_url(current_user)
    if ButtonForm().validate_on_submit():
        try:
            privacy.accept(
                current_user, parse_id(request.form.get("version", "")) or 0, client_ip()
            )
        except Conflict:
            return redirect(url_for("account.privacy_notice", next=next_url))
        return redirect(next_url)
    return redirect(url_for("account.privacy_notice", next=next_url))
