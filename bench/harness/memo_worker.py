"""Figure 8's measured process: draft a memo from N approved comments, render its PDF.

Run as a subprocess of the harness, so its peak memory (``ru_maxrss``) is the memo work's own,
like a worker's:

    python -m bench.harness.memo_worker <comments> [<agenda items>]

The memo database comes from ``FOORUMI_MEMO_DATABASE_URL``. The comments are feedback's API
answer built in memory (the drafting operation from that answer on: compose the Markdown, store
the memo, its version and follow-ups, commit); the PDF is the publication's tagged PDF from the
page's own HTML, rendered in its child process as the worker does. Prints one JSON line: draft and
PDF seconds, pages, PDF bytes, the worker's peak MiB and the rendering child's.
"""

import datetime as dt
import json
import resource
import sys
import time
import uuid

from shared.db import utcnow


def _announcement(event_id, items):
    """A loaded ``event.published`` of a forum held last month with ``items`` agenda items."""
    from shared.contracts.events import EventPublishedPayload

    starts = (utcnow() - dt.timedelta(days=30)).replace(microsecond=0)
    agenda = [{"id": event_id * 100 + n, "position": n, "title": f"Agenda item {n}",
               "presenter_name": f"Presenter {n}", "presenter_email": f"presenter{n}@bench.example"}
              for n in range(1, items + 1)]
    return EventPublishedPayload().load({
        "message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(),
        "event_id": event_id, "kind": "forum", "title": "Bench forum with a memo", "theme": "budget",
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
        "url": f"http://127.0.0.1/registration/events/{event_id}", "agenda": agenda})


def _topics(comments, items):
    """feedback's answer: ``comments`` approved comments spread over ``items`` topics."""
    topics = [{"id": n, "position": n, "title": f"Agenda item {n}", "comments": []}
              for n in range(1, items + 1)]
    for n in range(comments):
        topics[n % items]["comments"].append({
            "id": n, "author_name": f"Commenter {n}", "organisation": f"Provider {n % 97}",
            "html": "<p>A point about the matter, with a reason and a proposal.</p>",
            "url": f"http://127.0.0.1/feedback/topics/{n % items + 1}#comment-{n}", "replies": []})
    return topics


def _publication(memo):
    """A publication of the drafted version (the review is not what figure 8 measures)."""
    from services.memo.models import Publication, PublicationKind, db

    publication = Publication(version=memo.latest, kind=PublicationKind.PUBLISHED,
                              published_by_id=0, published_by_name="Bench secretary")
    memo.publications.append(publication)
    db.session.commit()
    return publication


def measure(comments, items=5):
    """{draft_seconds, pdf_seconds, pages, pdf_bytes, peak_mib} of one memo."""
    from services.memo import create_app, document, drafting, forums, pdf
    from services.memo.models import db

    app = create_app({"ENV": "production", "PUBLISH_IMMEDIATELY": False, "BROKER_URL": "memory://"})
    event_id = 900_000 + int(time.time()) % 99_999  # a forum of its own in the run's database
    with app.test_request_context():
        forum = forums.sync_forum(_announcement(event_id, items))
        db.session.commit()
        topics = _topics(comments, items)
        started = time.perf_counter()
        memo = drafting.draft(forum, topics, {"onsite": 40, "remote": 60, "checked_in": 35})
        db.session.commit()
        draft_seconds = time.perf_counter() - started
        html = document.print_html(memo, _publication(memo))
        started = time.perf_counter()
        content, pages = pdf.render(html)
        pdf_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    renderer = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"comments": comments, "draft_seconds": draft_seconds, "pdf_seconds": pdf_seconds,
            "pages": pages, "pdf_bytes": len(content), "peak_mib": peak,
            "renderer_peak_mib": renderer}


if __name__ == "__main__":
    print(json.dumps(measure(*(int(arg) for arg in sys.argv[1:]))))
