"""One-click unsubscribe (RFC 8058) and a deadline for calendars: public, no sign-in needed."""

from flask import Response, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from app.extensions import csrf
from app.lazy_text import lazy_gettext as _l
from app.models.common import utcnow
from app.public import bp
from app.services.consultations import lifecycle as consultations
from app.services.errors import NotFound
from app.services.notifications import calendar
from app.services.notifications import preferences as notifications
from app.utils import client_ip


def _link(token: str) -> notifications.Unsubscribe:
    link = notifications.from_token(token)
    if link is None:
        raise NotFound(_l("This unsubscribe link is not valid. Choose your emails on My account."))
    return link


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """A confirmation page: link scanners that open every URL in an email change nothing."""
    link = _link(token)
    return render_template("public/unsubscribe.html", link=link, token=token, done=link.done)


# The signed token is the proof, as RFC 8058 requires: a mail client POSTs without a session
# or a CSRF token, and the worst a forged request could do is stop someone's emails, which
# the token's signature already prevents.
@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    link = _link(token)
    notifications.unsubscribe(link, ip=client_ip())
    return render_template("public/unsubscribe.html", link=link, token=token, done=True)


@bp.get("/consultations/<slug>/deadline.ics")
def deadline_calendar(slug: str):
    item = consultations.get_by_slug(slug)
    url = url_for("public.consultation", slug=slug, _external=True)
    text = calendar.deadline_event(current_user, item, str(get_locale()), url, utcnow())
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-deadline.ics"'
    return response
