"""The people pages on the portal: admins manage staff accounts; everyone changes their password.

Every change that takes something away (a role, the account, the old password) ends that
person's open sessions on every service at once (:mod:`shared.auth.accounts`).
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.exc import IntegrityError

from shared.auth import accounts
from shared.auth.models import ROLE_LABELS, Role, StaffUser, accounts_db
from shared.auth.sessions import current_staff, end_sessions_of, login_required
from shared.web.fields import EmailAddress, Text
from shared.web.messages import translate_errors

blueprint = Blueprint("staff_people", __name__)
admin_only = login_required(Role.ADMIN)
PASSWORD_TOO_SHORT = _l("Use at least %(n)s characters.", n=accounts.MIN_PASSWORD_LENGTH)


class Password(fields.String):
    """A new password: at least MIN_PASSWORD_LENGTH characters, at most 200."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(min=accounts.MIN_PASSWORD_LENGTH, max=200,
                                                  error=PASSWORD_TOO_SHORT), **kwargs)


class PersonSchema(Schema):
    """An admin's edit of a staff account."""

    name = Text(200, required=True)
    roles = fields.List(fields.String(validate=validate.OneOf([r.value for r in Role])),
                        load_default=list)
    active = fields.Boolean(load_default=False)


class NewPersonSchema(PersonSchema):
    """A new staff account: the edit plus its login and first password."""

    email = EmailAddress(required=True)
    password = Password(required=True)


class PasswordChangeSchema(Schema):
    """A user's own password change: the current one, and the new one twice."""

    current = fields.String(required=True)
    password = Password(required=True)
    confirm = fields.String(required=True)

    @validates_schema
    def _same(self, data, **_kwargs):
        """The two new passwords must match."""
        if data.get("password") != data.get("confirm"):
            raise ValidationError({"confirm": [_l("The passwords do not match.")]})


def _form_data(*names):
    """The posted values a schema loads, ``roles`` as a list and ``active`` as a checkbox."""
    data = {name: request.form[name] for name in names if name in request.form}
    data["roles"] = request.form.getlist("roles")
    data["active"] = "active" in request.form
    return data


def _errors(exc):
    """A ValidationError as {field: [messages]} in the user's language."""
    return {k: v if isinstance(v, list) else [str(v)] for k, v in translate_errors(exc.messages).items()}


def _person(user_id):
    """The staff user, or 404."""
    return accounts_db.session.get(StaffUser, user_id) or abort(404)


def _values(user):
    """The edit form's values for a stored account."""
    return {"name": user.name, "roles": [r.value for r in user.role_set], "active": user.active}


def _render(template, status=200, **context):
    """A people page with the role options."""
    return render_template(template, role_options=[(r.value, ROLE_LABELS[r]) for r in Role],
                           **context), status


@blueprint.route("/people/")
@admin_only
def list_people():
    """Every staff account with its roles and state."""
    people = accounts_db.session.scalars(sa.select(StaffUser).order_by(StaffUser.email)).all()
    return _render("shared/people/list.html", people=people)


@blueprint.route("/people/new", methods=["GET", "POST"])
@admin_only
def create_person():
    """Add a staff account."""
    if request.method == "GET":
        return _render("shared/people/new.html", values={"active": True}, errors={})
    try:
        data = NewPersonSchema().load(_form_data("name", "email", "password"))
        user = accounts.create_user(data["email"], data["name"], data["password"], data["roles"])
        accounts.set_active(user, data["active"])
        accounts_db.session.commit()
    except ValidationError as exc:
        return _render("shared/people/new.html", 422, values=request.form, errors=_errors(exc))
    except IntegrityError:
        accounts_db.session.rollback()
        errors = {"email": [_("A staff account with this email address exists already.")]}
        return _render("shared/people/new.html", 422, values=request.form, errors=errors)
    flash(_("The account %(email)s was created.", email=user.email), "success")
    return redirect(url_for(".list_people"))


@blueprint.route("/people/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit_person(user_id):
    """Change a staff account's name, roles and state; taking anything away logs them out."""
    user = _person(user_id)
    if request.method == "GET":
        return _render("shared/people/edit.html", person=user, values=_values(user), errors={})
    try:
        data = PersonSchema().load(_form_data("name"))
    except ValidationError as exc:
        return _render("shared/people/edit.html", 422, person=user, values=request.form,
                       errors=_errors(exc))
    if user.id == current_staff().id and (Role.ADMIN.value not in data["roles"] or not data["active"]):
        errors = {"roles": [_("You cannot take the administrator role or the account from yourself.")]}
        return _render("shared/people/edit.html", 422, person=user, values=request.form,
                       errors=errors)
    user.name = data["name"]
    accounts.set_roles(user, data["roles"])
    accounts.set_active(user, data["active"])
    accounts_db.session.commit()
    flash(_("The account %(email)s was saved.", email=user.email), "success")
    return redirect(url_for(".list_people"))


@blueprint.route("/people/<int:user_id>/password", methods=["POST"])
@admin_only
def reset_password(user_id):
    """Give a staff account a new password; their open sessions end."""
    user = _person(user_id)
    try:
        data = PasswordChangeSchema(only=("password",)).load(
            {"password": request.form.get("password", "")})
    except ValidationError as exc:
        return _render("shared/people/edit.html", 422, person=user, values=_values(user),
                       errors=_errors(exc))
    accounts.set_password(user, data["password"])
    accounts_db.session.commit()
    flash(_("A new password was set for %(email)s.", email=user.email), "success")
    return redirect(url_for(".edit_person", user_id=user.id))


@blueprint.route("/people/<int:user_id>/sessions", methods=["POST"])
@admin_only
def end_sessions(user_id):
    """Log a staff account out everywhere."""
    user = _person(user_id)
    end_sessions_of(user.id)
    accounts_db.session.commit()
    flash(_("%(email)s was logged out everywhere.", email=user.email), "success")
    return redirect(url_for(".edit_person", user_id=user.id))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required()
def change_password():
    """The logged-in user changes their own password; every session of theirs ends, this one too."""
    if request.method == "GET":
        return _render("shared/people/password.html", errors={})
    user = current_staff()
    try:
        data = PasswordChangeSchema().load(
            {k: request.form.get(k, "") for k in ("current", "password", "confirm")})
    except ValidationError as exc:
        return _render("shared/people/password.html", 422, errors=_errors(exc))
    if not accounts.password_matches(user, data["current"]):
        return _render("shared/people/password.html", 422,
                       errors={"current": [_("This is not your current password.")]})
    accounts.set_password(user, data["password"])
    accounts_db.session.commit()
    flash(_("Your password was changed. Log in with the new one."), "success")
    return redirect(url_for("staff_auth.login"))
