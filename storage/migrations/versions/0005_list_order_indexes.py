"""the owner and channel indexes of action_item end in the list order (due date, number); an index by creator

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:00:00

`/action list` shows the first 15 of a channel's (or a person's) open items by due date, nulls last, then number.
With these columns at the end of the index a page is the first rows of one index range and its total a count of
that range, instead of every open item read and sorted for each page. They replace the narrower indexes, which
are their prefixes. The creator index answers the morning sweep's "who created open (or lately done) items for
someone else" from the index alone.
"""

from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_action_item_owner_status_due',
        'action_item',
        ['team_id', 'owner', 'status', 'due_date', 'number'],
        unique=False,
    )
    op.create_index(
        'ix_action_item_channel_status_due',
        'action_item',
        ['team_id', 'channel', 'status', 'due_date', 'number'],
        unique=False,
    )
    op.create_index(
        'ix_action_item_creator',
        'action_item',
        ['team_id', 'created_by', 'status', 'owner', 'completed_at'],
        unique=False,
    )
    op.drop_index('ix_action_item_owner_status', table_name='action_item')
    op.drop_index('ix_action_item_channel_status', table_name='action_item')


def downgrade() -> None:
    op.create_index('ix_action_item_channel_status', 'action_item', ['team_id', 'channel', 'status'], unique=False)
    op.create_index('ix_action_item_owner_status', 'action_item', ['team_id', 'owner', 'status'], unique=False)
    op.drop_index('ix_action_item_creator', table_name='action_item')
    op.drop_index('ix_action_item_channel_status_due', table_name='action_item')
    op.drop_index('ix_action_item_owner_status_due', table_name='action_item')
