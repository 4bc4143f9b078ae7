"""captured messages are held in processed_event until their items are written

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:00

A channel message with marker lines (or an @mention) is stored before Slack's answer as its event id plus a
`payload` (what the message said); its items are written right after the answer, which clears the payload. A
payload still there a minute later is captured by the scheduler's sweep. Rows from before this revision have no
payload: handled.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.Text(), nullable=True))
    op.create_index(
        'ix_processed_event_held',
        'processed_event',
        ['received_at'],
        unique=False,
        sqlite_where=sa.text('payload IS NOT NULL'),
        postgresql_where=sa.text('payload IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_processed_event_held', table_name='processed_event')
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.drop_column('payload')
