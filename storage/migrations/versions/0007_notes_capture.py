"""meeting-notes capture: unassigned items, capture on|off|apps per channel, the people directory's names

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 23:00:00

An item captured from an app's notes may have no owner (`owner` nullable) and remembers the entry it came from
(`source_entry`, a fingerprint of the entry's words) so an edit of the notes changes only the entries it changed;
`by_app` marks items captured from an app's message (anyone who can see them may take, assign or cancel them).
A channel's capture becomes `on`, `off` or `apps` (from the on/off switch: off stays off). The people directory
keeps display, first and last names beside the @handle, and each workspace when its directory was last read whole.
"""

from alembic import op
import sqlalchemy as sa

import storage.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.alter_column('owner', existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(sa.Column('source_entry', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('by_app', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capture', sa.String(length=8), nullable=False, server_default='on'))
    op.execute("UPDATE channel_settings SET capture = 'off' WHERE NOT capture_enabled")
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.drop_column('capture_enabled')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('first_name', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_name', sa.String(length=255), nullable=False, server_default=''))
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people_synced_at', storage.types.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_column('people_synced_at')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
        batch_op.drop_column('display_name')
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capture_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE channel_settings SET capture_enabled = (capture <> 'off')")
    with op.batch_alter_table('channel_settings', schema=None) as batch_op:
        batch_op.drop_column('capture')
    op.execute("DELETE FROM action_item WHERE owner IS NULL")
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_column('by_app')
        batch_op.drop_column('source_entry')
        batch_op.alter_column('owner', existing_type=sa.String(length=32), nullable=False)
