"""The secretary's pages of a forum's feedback: topics and their windows, and the exports.

The secretary sees every forum with its topics, each topic's window and its number of public
comments; sets a topic's close time (never earlier than the policy's floor: refused next to the
field with 422, nothing changed); and downloads a topic's or a forum's approved comments as
CSV or XLSX.
"""

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from services.feedback import closing, export, queries, topics
from services.feedback.models import Forum, Topic, db
from services.feedback.public import form_errors, page
from shared.auth import Role, login_required
from shared.localtime import LocalDateTime, to_local_input

secretary = login_required(Role.SECRETARY)


class WindowForm(Schema):
    """The close time of a topic's comment window, in Helsinki time."""

    closes_at = LocalDateTime(required=True)


def field_id(topic):
    """The id of a topic's close-time input (one form per topic on the page)."""
    return f"closes_at-{topic.id}"


def _forums_page(status=200, errors=None, values=None):
    """Every forum with its live topics, their windows and comment counts."""
    forums = queries.public_forums()
    live = {forum.id: topics.live(forum) for forum in forums}
    counts = queries.approved_counts([t.id for group in live.values() for t in group])
    return page("feedback/staff/forums.html", status, forums=forums, live=live, counts=counts,
                window_state=topics.window_state, floor=topics.floor, errors=errors or {},
                values=values or {}, local_input=to_local_input)


@secretary
def list_forums():
    """The forums' topics with their windows, and the export links."""
    return _forums_page()


@secretary
def set_topic_window(topic_id):
    """Set when a topic's window closes; refused before the floor."""
    topic = queries.public_topic(topic_id) or abort(404)
    posted, name = request.form.get("closes_at", ""), field_id(topic)
    try:
        topics.set_window(topic, WindowForm().load({"closes_at": posted})["closes_at"])
    except ValidationError as exc:
        return _forums_page(422, {name: form_errors(exc.messages)["closes_at"]}, {name: posted})
    except topics.WindowTooEarly as exc:
        message = _("The window may not close before %(floor)s, %(days)s days after the forum.",
                    floor=format_datetime(exc.floor, "short"), days=topics.floor_days(topic.forum))
        return _forums_page(422, {name: [message]}, {name: posted})
    closing.reopen_if_open(topic.forum)
    db.session.commit()
    flash(_("Comments on “%(title)s” close %(when)s.", title=topic.title,
            when=format_datetime(topic.closes_at, "short")), "success")
    return redirect(url_for(".list_forums", _anchor=f"topic-{topic.id}"))


def _download(fmt, name, title, topic_list):
    """The export of ``topic_list`` as an attachment called ``name``.``fmt``."""
    if fmt not in export.FORMATS:
        abort(404)
    return Response(export.render(fmt, title, topic_list), mimetype=export.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@secretary
def export_forum(forum_id, fmt):
    """A forum's approved comments, every topic in agenda order."""
    forum = db.session.get(Forum, forum_id) or abort(404)
    return _download(fmt, f"comments-forum-{forum.id}", forum.title, topics.live(forum))


@secretary
def export_topic(topic_id, fmt):
    """One topic's approved comments."""
    topic = db.session.get(Topic, topic_id) or abort(404)
    return _download(fmt, f"comments-topic-{topic.id}", topic.title, [topic])
