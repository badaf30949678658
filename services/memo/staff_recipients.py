"""The admin's recipient list: the boards, the regional government and others every published
memo goes to. Add an entry, or remove one (deliveries already made keep their record).

Bad input is shown next to its field with 422 and changes nothing; an address already on the
list is refused next to the email field.
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from services.memo import labels, queries, recipients
from services.memo.models import Recipient, RecipientKind, db
from services.memo.schemas import RecipientInput
from services.memo.staff_common import admin, form_errors, page

FIELDS = ("name", "email", "kind")
KINDS = (RecipientKind.BOARD, RecipientKind.REGIONAL_GOVERNMENT, RecipientKind.OTHER)


def _page(status=200, errors=None, values=None):
    """The list and the form to add an entry."""
    return page("memo/staff/recipients.html", status, entries=queries.recipient_list(),
                kinds=[(k.value, labels.RECIPIENT_KINDS[k]) for k in KINDS],
                errors=errors or {}, values=values or {})


@admin
def list_recipients():
    """The recipient list by kind and name."""
    return _page()


@admin
def add_recipient():
    """Add a board, the regional government or another recipient."""
    values = {name: request.form.get(name, "") for name in FIELDS}
    try:
        entry = recipients.add(RecipientInput().load(values))
    except ValidationError as exc:
        return _page(422, form_errors(exc.messages), values)
    except IntegrityError:
        db.session.rollback()
        return _page(422, {"email": [_("This address is on the list already.")]}, values)
    db.session.commit()
    flash(_("%(name)s was added to the recipients.", name=entry.name), "success")
    return redirect(url_for(".list_recipients"))


@admin
def remove_recipient(recipient_id):
    """Take an entry off the list."""
    entry = db.session.get(Recipient, recipient_id) or abort(404)
    name = entry.name
    recipients.remove(entry)
    db.session.commit()
    flash(_("%(name)s was removed from the recipients.", name=name), "success")
    return redirect(url_for(".list_recipients"))
