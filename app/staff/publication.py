"""Staff routes that publish a consultation's feedback after its deadline, or take it back."""

from flask import flash, redirect, url_for
from flask_babel import _, ngettext
from flask_login import current_user

from app import confirm
from app.i18n import localize
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback import publication
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


@bp.post("/consultations/<slug>/feedback/<any(publish, unpublish):action>")
def publish_feedback(slug: str, action: str):
    item = consultations.get_by_slug(slug)
    back = url_for("staff.manage", slug=slug) + "#publication"
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(back)
    try:
        if action == "unpublish":
            publication.unpublish(current_user, item, ip=client_ip())
            flash(_("The feedback is no longer published."), "success")
        elif not confirm.confirmed() and publication.may_publish(item):
            return _ask_to_publish(item, back)
        else:
            publication.publish(current_user, item, ip=client_ip())
            flash(_("The feedback is published."), "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(back)


def _ask_to_publish(item, back: str):
    found = publication.counts(current_user, item)
    title = localize(item.title, item.original_language).text
    return confirm.ask(
        _("Publish the feedback on “%(title)s”?", title=title),
        _("Publish the feedback"),
        back,
        [
            ngettext(
                "%(num)d submission will be published with its organisation's name.",
                "%(num)d submissions will be published with their organisation's name.",
                found.named,
            ),
            ngettext(
                "%(num)d submission will be published without its organisation's name.",
                "%(num)d submissions will be published without their organisation's name.",
                found.anonymous,
            ),
            ngettext(
                "%(num)d submission will not be published, as its organisation chose.",
                "%(num)d submissions will not be published, as their organisations chose.",
                found.none,
            ),
            _("Anyone, signed in or not, can then read them and download them as CSV and JSON."),
        ],
    )
