"""SQL statements per request: a count that, unlike req/s, does not drift on a shared machine.

Each request is made once in the harness's own process through Flask's test client, against the
run's databases, with a counter on the service's engine (the staff-accounts engine is not
counted). It shows N+1 queries and their fixes exactly. A GET is made twice: its first view, and
again, when the event page's agenda and the topic page's comments come from their caches.
"""

from bench.harness import seed
from shared.testing.statements import recording

FIGURE = "9 SQL statements per request"


def _registration_requests(run, app):
    """(label, method, path, json) of the registration service's measured requests."""
    event = run.ids["count_event"]
    body = {"name": "Count", "email": f"count-{run.tag}@bench.example", "organisation": "Bench Oy",
            "municipality": "Tampere", "attendance_mode": "onsite", "privacy_consent": True}
    return [("event page GET", "GET", f"/events/{event}", None),
            ("registration form GET", "GET", f"/events/{run.ids['form_event']}/register", None),
            ("registration API POST", "POST", f"/api/v1/events/{event}/registrations", body)]


def _feedback_requests(run):
    """(label, method, path, json) of the feedback service's measured requests."""
    body = {"name": "Count", "organisation": "Bench Oy", "email": f"count-{run.tag}@bench.example",
            "text": "Counting the statements of one comment."}
    return [("topic page GET", "GET", f"/topics/{run.ids['shown_topic']}", None),
            ("comment API POST", "POST", f"/api/v1/topics/{run.ids['open_topic']}/comments", body),
            ("moderation queue GET (moderator)", "GET", "/staff/moderation?queue=pending", None)]


def _count(app, requests, login=False):
    """[(label, status, statements)] of ``requests`` made once each through ``app``."""
    from shared.db import engine_for

    engine = engine_for(app.config[f"{app.config['SERVICE'].upper()}_DATABASE_URL"])
    browser = app.test_client()
    if login:
        with app.app_context():
            app.config["WTF_CSRF_ENABLED"] = False
        browser.post("/staff/login", data={"email": seed.MODERATOR[0],
                                           "password": seed.MODERATOR[1]})
    found = []
    for label, method, path, body in requests:
        # a GET twice: the first view renders what the second takes from the fragment caches
        for view in ("first view", "again") if method == "GET" else ("",):
            with recording(engine) as seen:
                status = browser.open(path, method=method, json=body).status_code
            found.append((f"{label}, {view}" if view else label, status, len(seen)))
    return found


def measure(run, reg_app, fb_app):
    """Add one row per request: its status and how many statements it ran."""
    results = (_count(reg_app, _registration_requests(run, reg_app))
               + _count(fb_app, _feedback_requests(run), login=True))
    run.raw["statements"] = {label: {"status": status, "statements": n}
                             for label, status, n in results}
    for label, status, n in results:
        run.row(FIGURE, f"{label} (HTTP {status})", n, floor=1, ratio=n)
