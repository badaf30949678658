"""Admin pages of forum series: the list, a new series (from the settings' defaults) and its edit.

Only admins: a series' numbers are the policy its forums are held to. Bad input re-renders the
form with 422 and each error next to its field, in the user's language; nothing is saved.
"""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.registration import forms as registration_forms
from services.registration.cycle import forms, series
from services.registration.cycle.models import Series
from services.registration.models import db
from services.registration.public import page
from services.registration.staff_common import get_or_404
from shared.auth import Role, login_required

admin = login_required(Role.ADMIN)


def _form(item, values, errors=None, status=200):
    """The series form (a new series when ``item`` is None)."""
    return page("registration/cycle/series_form.html", status, series=item, values=values,
                errors=errors or {}, segment_options=[("", _("Everyone"))] + list(
                    forms.SEGMENTS.items()), recipient_kinds=forms.RECIPIENT_KINDS)


def _save(item):
    """Load the posted form and create or update the series; the page to answer with."""
    try:
        data = forms.series_data(forms.SeriesForm().load(forms.series_input(request.form)))
    except ValidationError as err:
        return _form(item, request.form, registration_forms.form_errors(err.messages), 422)
    try:
        item = series.create(data) if item is None else series.update(item, data)
    except series.SlugTaken:
        db.session.rollback()
        return _form(item, request.form, {"slug": [_("Another series has this short name.")]}, 422)
    db.session.commit()
    flash(_("The series was saved."), "success")
    return redirect(url_for(".list_series"))


@admin
def list_series():
    """Every series with its numbers."""
    return page("registration/cycle/series_list.html", series_list=series.all_series())


@admin
def create_series():
    """GET a new series' form, filled with the defaults; POST creates it."""
    if request.method == "GET":
        return _form(None, forms.series_values(None))
    return _save(None)


@admin
def edit_series(series_id):
    """GET a series' form; POST saves it (its forums follow its numbers from then on)."""
    item = get_or_404(Series, series_id)
    if request.method == "GET":
        return _form(item, forms.series_values(item))
    return _save(item)
