"""The base schema of every message payload."""

from marshmallow import EXCLUDE, Schema, fields


class Payload(Schema):
    """Fields every message carries: its id (for dedupe) and when the change happened (UTC)."""

    class Meta:
        unknown = EXCLUDE

    message_id = fields.UUID(required=True)
    occurred_at = fields.AwareDateTime(required=True)
