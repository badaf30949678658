"""review reminders: one per member per review round

Revision ID: 5e1a7c93b0d4
Revises: 24abebf6802e
Create Date: 2026-12-02 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = '5e1a7c93b0d4'
down_revision = '24abebf6802e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['group_members.id'], name=op.f('fk_review_reminders_member_id_group_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_reminders_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reminders')),
    sa.UniqueConstraint('round_id', 'member_id', name=op.f('uq_review_reminders_round_id'))
    )


def downgrade():
    op.drop_table('review_reminders')
