"""Routes of the account pages."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import PreferencesForm
from app.services import accounts


@bp.route("/", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        accounts.update_preferences(current_user, form.locale.data, form.timezone.data)
        session["lang"] = form.locale.data
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("account.preferences"))
    return render_template("account/preferences.html", form=form)
