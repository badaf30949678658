"""memo pdfs: the published memo's tagged PDF, stored once per publication and follow-up revision

Revision ID: 9c4d2b7e1f60
Revises: 5e1a7c93b0d4
Create Date: 2026-12-02 11:00:00
"""

from alembic import op
import sqlalchemy as sa
import shared.db


revision = '9c4d2b7e1f60'
down_revision = '5e1a7c93b0d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('memo_pdfs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('follow_up_revision', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('rendered_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_memo_pdfs_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo_pdfs')),
    sa.UniqueConstraint('publication_id', 'follow_up_revision', name=op.f('uq_memo_pdfs_publication_id'))
    )


def downgrade():
    op.drop_table('memo_pdfs')
