"""one outbox: queued messages wait for a time (`not_before`), failed sends go back to the queue; held captures
carry their attempts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:00:00

The outbox's states become queued, sending, sent, skipped and dead: a claim that was never marked ("claimed") is
a message being sent, and a failed send is queued again for a later time, until it is 12 hours old
(`queued_at`). A held capture that fails to be written
is tried again after a growing pause (`retry_at`) and given up (`given_up`, logged) after a day.
"""

from alembic import op
import sqlalchemy as sa

import storage.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', storage.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('queued_at', storage.types.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbound_claim SET state = 'sending' WHERE state = 'claimed'")
    op.execute("UPDATE outbound_claim SET state = 'queued' WHERE state = 'failed'")
    op.execute("UPDATE outbound_claim SET not_before = claimed_at WHERE state = 'queued'")
    op.execute("UPDATE outbound_claim SET queued_at = claimed_at")
    op.create_index('ix_outbound_claim_ready', 'outbound_claim', ['state', 'not_before'], unique=False)
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retry_at', storage.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('given_up', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.drop_column('given_up')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
    op.drop_index('ix_outbound_claim_ready', table_name='outbound_claim')
    op.execute("UPDATE outbound_claim SET state = 'claimed' WHERE state = 'sending'")
    with op.batch_alter_table('outbound_claim', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
        batch_op.drop_column('not_before')
