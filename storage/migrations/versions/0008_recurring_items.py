"""recurring items and holiday countries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:30:00

An action item may repeat: `recurrence` is its RFC 5545 rule (without the "RRULE:" prefix) and `series` the number
of the series' first occurrence (A-n). Completing or skipping an occurrence creates the next one; the unique index
on (team, series, due date) makes two completions at once create it once. Each person may set the country whose
public holidays they keep (`holiday_country`: null means the default from their time zone, '' means none).
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurrence', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('series', sa.Integer(), nullable=True))
        batch_op.create_index('ix_action_item_series_due', ['team_id', 'series', 'due_date'], unique=True)
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holiday_country', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.drop_column('holiday_country')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_series_due')
        batch_op.drop_column('series')
        batch_op.drop_column('recurrence')
