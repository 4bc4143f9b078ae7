"""quieter morning DMs and reminders before a timed due

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00

Each person chooses a morning cadence (`cadence`: 'daily', 'mondays' or 'off'), whether to skip the morning DM on
their public holidays (`skip_holidays`), and how long before a timed due they hear about it
(`remind_before_minutes`: 0 off, 15, 60 or 1440). `reminders_enabled` is gone: cadence 'off' says the same (one
truth; `reminders on|off` is the cadence's alias), so a row with reminders off becomes cadence 'off'.

`ix_action_item_timed_due` lets the minute sweep find the items due in the next days with a due time in one index
range read: it holds only open items with a time (a small part of all items), by due date. Measured on 200,000
items of which 2,000 open with a time (one workspace, best of 20 reads of a 10-day range, 51 rows): without it
PostgreSQL scans the whole table (parallel seq scan, 2.9 ms) and SQLite walks ix_action_item_channel_status_due
for every channel (4.5 ms); with it PostgreSQL runs a bitmap scan of the partial index and SQLite searches its
range (1.0 and 0.8 ms, most of it Python). A full index on (status, due_date) would serve too, at the size and
write cost of every item.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_TIMED = "status = 'open' AND due_time IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cadence', sa.String(length=8), nullable=False, server_default='daily'))
        batch_op.add_column(sa.Column('skip_holidays', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('remind_before_minutes', sa.Integer(), nullable=False, server_default='60'))
    op.execute("UPDATE person_settings SET cadence = 'off' WHERE NOT reminders_enabled")
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.drop_column('reminders_enabled')
    op.create_index(
        'ix_action_item_timed_due',
        'action_item',
        ['due_date'],
        unique=False,
        sqlite_where=sa.text(_TIMED),
        postgresql_where=sa.text(_TIMED),
    )


def downgrade() -> None:
    op.drop_index('ix_action_item_timed_due', table_name='action_item')
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE person_settings SET reminders_enabled = (cadence <> 'off')")
    with op.batch_alter_table('person_settings', schema=None) as batch_op:
        batch_op.drop_column('remind_before_minutes')
        batch_op.drop_column('skip_holidays')
        batch_op.drop_column('cadence')
