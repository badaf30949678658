"""The admin's working-group pages: council terms, their members and the group's composition.

A term's page lists its members (add, edit, deactivate and reactivate) and shows the spread over
industries, company sizes and regions, warning of each one named in settings that has nobody
(:mod:`composition`). Bad input is shown next to its field with 422 and changes nothing.
"""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from services.memo import composition, group, labels, queries
from services.memo.models import CompanySize, CouncilTerm, GroupMember, db
from services.memo.schemas import MemberInput, TermInput
from services.memo.staff_common import admin, form_errors, page

TERM_FIELDS = ("label", "starts_on", "ends_on")
MEMBER_FIELDS = ("name", "email", "organisation", "industry", "company_size", "region",
                 "staff_email")


def _terms_page(status=200, errors=None, values=None):
    """Every council term with its member count, and the form to add one."""
    return page("memo/staff/terms.html", status, terms=queries.terms(),
                current=group.current_term(), errors=errors or {}, values=values or {})


@admin
def list_terms():
    """The council terms, the latest first."""
    return _terms_page()


def _stored(change, field, message):
    """Flush ``change()``; a unique constraint's refusal is (None, {field: [message]})."""
    try:
        return change(), None
    except IntegrityError:
        db.session.rollback()
        return None, {field: [message]}


@admin
def add_term():
    """Add a council term."""
    values = {name: request.form.get(name, "") for name in TERM_FIELDS}
    try:
        data = TermInput().load({k: v for k, v in values.items() if v.strip()})
    except ValidationError as exc:
        return _terms_page(422, form_errors(exc.messages), values)
    term, errors = _stored(lambda: group.add_term(data), "label",
                           _("A term with this name exists already."))
    if errors:
        return _terms_page(422, errors, values)
    db.session.commit()
    flash(_("The term %(label)s was added.", label=term.label), "success")
    return redirect(url_for(".show_term", term_id=term.id))


def _options():
    """The select options of the member form."""
    config = current_app.config
    return {"industry": [(c, labels.name_of(labels.INDUSTRIES, c)) for c in config["MEMO_INDUSTRIES"]],
            "company_size": [(s.value, labels.SIZES[s]) for s in CompanySize],
            "region": [(c, labels.name_of(labels.REGIONS, c)) for c in config["MEMO_REGIONS"]]}


def _term_page(term, status=200, errors=None, values=None):
    """A term's members, its composition and warnings, and the form to add a member."""
    spread, gaps = composition.of_term(term)
    return page("memo/staff/term.html", status, term=term, spread=spread, gaps=gaps,
                options=_options(), errors=errors or {}, values=values or {})


@admin
def show_term(term_id):
    """A term's working group and its composition."""
    return _term_page(db.session.get(CouncilTerm, term_id) or abort(404))


def _member_input(form, partial=False):
    """The member form as MemberInput loads it (a blank staff login is none)."""
    data = {name: form.get(name, "") for name in MEMBER_FIELDS}
    data["staff_email"] = data["staff_email"].strip() or None
    return MemberInput(partial=partial).load(data)


@admin
def add_member(term_id):
    """Add a member to the term's working group."""
    term = db.session.get(CouncilTerm, term_id) or abort(404)
    values = {name: request.form.get(name, "") for name in MEMBER_FIELDS}
    try:
        data = _member_input(request.form)
    except ValidationError as exc:
        return _term_page(term, 422, form_errors(exc.messages), values)
    member, errors = _stored(lambda: group.add_member(term, data), "email",
                             _("This person is in the term's working group already."))
    if errors:
        return _term_page(db.session.get(CouncilTerm, term_id), 422, errors, values)
    db.session.commit()
    flash(_("%(name)s was added to the working group.", name=member.name), "success")
    return redirect(url_for(".show_term", term_id=term_id))


def _member_page(member, status=200, errors=None, values=None):
    """The edit form of one member."""
    current = {name: getattr(member, name) or "" for name in MEMBER_FIELDS}
    return page("memo/staff/member.html", status, member=member, options=_options(),
                errors=errors or {}, values=values or current)


@admin
def edit_member(member_id):
    """The edit form of a member."""
    return _member_page(db.session.get(GroupMember, member_id) or abort(404))


@admin
def update_member(member_id):
    """Save a member's details."""
    member = db.session.get(GroupMember, member_id) or abort(404)
    values = {name: request.form.get(name, "") for name in MEMBER_FIELDS}
    try:
        data = _member_input(request.form)
    except ValidationError as exc:
        return _member_page(member, 422, form_errors(exc.messages), values)
    data.pop("active", None)
    _found, errors = _stored(lambda: group.update_member(member, data), "email",
                             _("This person is in the term's working group already."))
    if errors:
        return _member_page(db.session.get(GroupMember, member_id), 422, errors, values)
    db.session.commit()
    flash(_("The details of %(name)s were saved.", name=member.name), "success")
    return redirect(url_for(".show_term", term_id=member.term_id))


@admin
def set_member_active(member_id):
    """Deactivate a member who left the group (``active=0``), or bring them back (``active=1``)."""
    member = db.session.get(GroupMember, member_id) or abort(404)
    active = request.form.get("active") == "1"
    group.update_member(member, {"active": active})
    db.session.commit()
    flash(_("%(name)s is in the working group again.", name=member.name) if active
          else _("%(name)s no longer reviews memos.", name=member.name), "success")
    return redirect(url_for(".show_term", term_id=member.term_id))
