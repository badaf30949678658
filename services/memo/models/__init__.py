"""The memo service's data: the working group, its copy of the forum, memos and their review.

One module per area: :mod:`.group` (council terms and members), :mod:`.forums` (the forum as
memo knows it), :mod:`.memos` (memos, versions, publications and history), :mod:`.review`
(review rounds and sign-offs), :mod:`.reminders` (review reminders sent), :mod:`.followups`
(follow-ups and their log), :mod:`.delivery` (recipient list and deliveries) and :mod:`.pdfs`
(the published memo's stored PDF). Everything is importable from here.
"""

from services.memo.models.base import Base, OutboxMessage, ProcessedMessage, db
from services.memo.models.delivery import Delivery, DeliveryStatus, Recipient, RecipientKind
from services.memo.models.followups import FollowUp, FollowUpUpdate
from services.memo.models.forums import AgendaItem, Forum
from services.memo.models.group import CompanySize, CouncilTerm, GroupMember
from services.memo.models.memos import (
    HistoryEntry,
    Memo,
    MemoState,
    MemoVersion,
    Publication,
    PublicationKind,
    RecordIsAppendOnly,
)
from services.memo.models.pdfs import MemoPdf
from services.memo.models.reminders import ReviewReminder
from services.memo.models.review import Decision, ReviewRound, RoundOutcome, SignOff

__all__ = [
    "AgendaItem", "Base", "CompanySize", "CouncilTerm", "Decision", "Delivery", "DeliveryStatus",
    "FollowUp", "FollowUpUpdate", "Forum", "GroupMember", "HistoryEntry", "Memo", "MemoPdf",
    "MemoState",
    "MemoVersion", "OutboxMessage", "ProcessedMessage", "Publication", "PublicationKind",
    "Recipient", "RecipientKind", "RecordIsAppendOnly", "ReviewReminder", "ReviewRound",
    "RoundOutcome", "SignOff", "db",
]
