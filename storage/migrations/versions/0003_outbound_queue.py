"""outbound claims carry queued messages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:10:00

Messages a listener leaves for after its answer (thread confirmations, DMs, card redraws) are written as
`outbound_claim` rows in state "queued" with what to send in `payload`; a sender process takes and sends them.
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.Text(), nullable=True))
        batch_op.create_index('ix_outbound_claim_state', ['state', 'claimed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbound_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_claim_state')
        batch_op.drop_column('payload')
