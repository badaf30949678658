"""How long a request may wait on PostgreSQL, in one place, so the web server's timeout is above.

Every wait on the database has a deadline of its own: connecting, a free connection from the
pool, a lock (the seat and memo locks set a shorter one of their own with ``SET LOCAL``) and a
statement. A request that reaches one gets an OperationalError or a pool TimeoutError, which the
suite answers 503 with ``Retry-After`` (:mod:`shared.web.errors`). gunicorn's worker timeout
(``foorumi/gunicorn_conf.py``) is :data:`WEB_WORKER_TIMEOUT_SECONDS`, above the longest of these
waits put end to end, so the app always answers before gunicorn kills the worker (which would
answer a bare HTML 500), and below nginx's ``proxy_read_timeout`` (60 s), so nginx never gives
up first.
"""

#: libpq's connect_timeout: a server that does not answer at all
CONNECT_TIMEOUT_SECONDS = 5
#: the pool's wait for a free connection
POOL_TIMEOUT_SECONDS = 10
#: PostgreSQL's lock_timeout for the session (a row or table lock held by someone else)
LOCK_TIMEOUT_SECONDS = 10
#: PostgreSQL's statement_timeout for the session (no statement of the suite comes near it)
STATEMENT_TIMEOUT_SECONDS = 20
#: the longest a request waits on the database: a connection from the pool, then one statement
LONGEST_DATABASE_WAIT_SECONDS = (POOL_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS
                                 + max(LOCK_TIMEOUT_SECONDS, STATEMENT_TIMEOUT_SECONDS))
#: gunicorn's worker timeout: above every database deadline, below nginx's 60 s
WEB_WORKER_TIMEOUT_SECONDS = LONGEST_DATABASE_WAIT_SECONDS + 10


def postgres_connect_args():
    """The psycopg connect arguments that put the deadlines on every PostgreSQL connection."""
    options = (f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000} "
               f"-c lock_timeout={LOCK_TIMEOUT_SECONDS * 1000}")
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options}
