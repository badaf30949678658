"""What a memo operation refuses, as exceptions the API turns into 403/404/409 answers."""

from flask_babel import lazy_gettext as _l


class MemoError(Exception):
    """A memo operation was refused; ``message`` says why in the user's language."""

    status = 409
    message = _l("The memo is not in a state that allows this.")

    def __init__(self, message=None):
        super().__init__(self.message if message is None else message)  # lazy until answered
        if message is not None:
            self.message = message


class WrongState(MemoError):
    """The memo's state does not allow the operation (e.g. publishing an unapproved memo)."""


class NotAllowed(MemoError):
    """The user may not do this (e.g. publishing without the secretary role)."""

    status = 403
    message = _l("You may not do this.")


class NotAMember(NotAllowed):
    """The user is not a member of the reviewing term's working group."""

    message = _l("Only members of the working group of the current term can sign off.")


class AlreadyDrafted(MemoError):
    """The forum has a memo already (one memo per forum)."""

    message = _l("This forum has a memo already.")


class SourceUnavailable(MemoError):
    """Another service's API did not answer (the drafting task retries)."""

    status = 502
    message = _l("The comments could not be read from the feedback service. Try again later.")


class MemoBusy(MemoError):
    """The memo's row lock was not free in time; try again."""

    status = 503
    message = _l("The memo is busy. Try again in a moment.")
