"""What every memo staff page uses: the role guards, rendering with labels, form errors.

Role checks: a secretary drafts, edits, submits, publishes and keeps follow-ups; the working
group reviews; both read memos, versions and diffs; an admin manages the working group and the
recipient list (admins have every role).
"""

from flask import abort, render_template
from flask_babel import format_date

from services.memo import labels
from services.memo.models import Memo, db
from shared.auth import Role, login_required
from shared.web.messages import translate_errors

secretary = login_required(Role.SECRETARY)
reader = login_required(Role.SECRETARY, Role.WORKING_GROUP)
reviewer = login_required(Role.WORKING_GROUP)
admin = login_required(Role.ADMIN)


def page(template, status=200, **context):
    """Render a memo staff page with the labels and helpers every page uses."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return render_template(template, labels=labels.all_labels(), date=format_date,
                           **context), status


def form_errors(messages, prefix=""):
    """A schema's error tree as {``prefix`` + field: [messages]} in the user's language."""
    return {prefix + name: value if isinstance(value, list) else [str(value)]
            for name, value in translate_errors(messages).items()}


def memo_or_404(memo_id):
    """The memo, or 404."""
    return db.session.get(Memo, memo_id) or abort(404)

