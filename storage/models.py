"""SQLModel tables: the whole Followthrough domain. Every row carries team_id."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime

_TIMED = "status = 'open' AND due_time IS NOT NULL"  # the rows of ix_action_item_timed_due


def _utc(nullable: bool = True) -> Column[datetime]:
    return Column(UtcDateTime(), nullable=nullable)


class Workspace(SQLModel, table=True):
    """A Slack workspace (team) that installed the app."""

    __tablename__ = "workspace"
    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    created_at: datetime = Field(sa_column=_utc(False))
    active: bool = Field(default=True)
    uninstalled_at: datetime | None = Field(default=None, sa_column=_utc())
    people_synced_at: datetime | None = Field(default=None, sa_column=_utc())


class KeyCounter(SQLModel, table=True):
    """Per-workspace counter for A-n / D-n / M-n / O-n keys; numbers are never reused."""

    __tablename__ = "key_counter"
    team_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=1)
    last_number: int = Field(default=0)


class Person(SQLModel, table=True):
    """Cache of a Slack user: filled from users.list, a miss looked up once with users.info."""

    __tablename__ = "person"
    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    real_name: str = Field(default="", max_length=255)
    display_name: str = Field(default="", max_length=255)
    first_name: str = Field(default="", max_length=255)
    last_name: str = Field(default="", max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    is_admin: bool = Field(default=False)
    deleted: bool = Field(default=False)
    fetched_at: datetime = Field(sa_column=_utc(False))


class PersonSettings(SQLModel, table=True):
    """A person's own reminder preferences."""

    __tablename__ = "person_settings"
    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    reminder_hour: int = Field(default=9)
    working_days: str = Field(default="mon-fri", max_length=64)
    paused_until: date | None = Field(default=None)
    cadence: str = Field(default="daily", max_length=8)  # morning DMs: daily, mondays (the week ahead) or off
    skip_holidays: bool = Field(default=False)  # no morning DM on a public holiday of their holiday country
    remind_before_minutes: int = Field(default=60)  # before a timed due: 0 (off), 15, 60 or 1440
    notify_done_now: bool = Field(default=False)
    holiday_country: str | None = Field(default=None, max_length=8)  # None: from their zone; "": none
    calendar_token: str | None = Field(default=None, max_length=64)
    updated_at: datetime | None = Field(default=None, sa_column=_utc())


class ChannelSettings(SQLModel, table=True):
    """Per-channel switches: what capture reads here (`on` people, `apps` people and apps, `off` nothing)."""

    __tablename__ = "channel_settings"
    team_id: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=32)
    capture: str = Field(default="on", max_length=8)
    calendar_token: str | None = Field(default=None, max_length=64)
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime | None = Field(default=None, sa_column=_utc())


class Milestone(SQLModel, table=True):
    """A dated checkpoint or go/no-go gate."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_milestone_team_number"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    number: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    due_date: date
    status: str = Field(default="upcoming", max_length=16)
    channel: str | None = Field(default=None, max_length=32)
    private: bool = Field(default=False)
    owner: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    gate: bool = Field(default=False)
    decision: str | None = Field(default=None, max_length=8)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = Field(default=None, sa_column=_utc())
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_utc(False))
    updated_at: datetime | None = Field(default=None, sa_column=_utc())


class Outcome(SQLModel, table=True):
    """An objective with measurable key results."""

    __tablename__ = "outcome"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_outcome_team_number"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    number: int
    objective: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="active", max_length=16)
    channel: str | None = Field(default=None, max_length=32)
    owner: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    last_kr_number: int = Field(default=0)
    created_at: datetime = Field(sa_column=_utc(False))


class KeyResult(SQLModel, table=True):
    """A measurable result of an outcome: O-n.k."""

    __tablename__ = "key_result"
    __table_args__ = (UniqueConstraint("outcome_id", "number", name="uq_key_result_outcome_number"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    outcome_id: int = Field(foreign_key="outcome.id", index=True)
    number: int
    metric: str = Field(sa_column=Column(Text, nullable=False))
    baseline: float
    target: float
    current: float
    unit: str | None = Field(default=None, max_length=32)
    status: str = Field(default="active", max_length=16)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_utc(False))


class CheckIn(SQLModel, table=True):
    """One recorded value of a key result, kept as history."""

    __tablename__ = "checkin"
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    key_result_id: int = Field(foreign_key="key_result.id", index=True)
    value: float
    note: str | None = Field(default=None, sa_column=Column(Text))
    by: str = Field(max_length=32)
    at: datetime = Field(sa_column=_utc(False))


class Deliverable(SQLModel, table=True):
    """A tangible output a stakeholder reviews and approves."""

    __tablename__ = "deliverable"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_deliverable_team_number"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    number: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="planned", max_length=24)
    owner: str | None = Field(default=None, max_length=32)
    approver: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=32)
    private: bool = Field(default=False)
    due_date: date | None = Field(default=None)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id", index=True)
    outcome_id: int | None = Field(default=None, foreign_key="outcome.id", index=True)
    acceptance_criteria: str | None = Field(default=None, sa_column=Column(Text))
    submitted_by: str | None = Field(default=None, max_length=32)
    submitted_at: datetime | None = Field(default=None, sa_column=_utc())
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = Field(default=None, sa_column=_utc())
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_utc(False))
    updated_at: datetime | None = Field(default=None, sa_column=_utc())


class ActionItem(SQLModel, table=True):
    """A promise: something someone will do, with an owner and a due date."""

    __tablename__ = "action_item"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_action_item_team_number"),
        # In `/action list`'s order (due date, nulls last, then number): a page is the first rows of an index
        # range, and the total a count of that range (docs/benchmarks.md, round 6).
        Index("ix_action_item_owner_status_due", "team_id", "owner", "status", "due_date", "number"),
        Index("ix_action_item_channel_status_due", "team_id", "channel", "status", "due_date", "number"),
        # The morning sweep's "who created items for others" read from the index alone (docs/benchmarks.md, round 6).
        Index("ix_action_item_creator", "team_id", "created_by", "status", "owner", "completed_at"),
        Index("ix_action_item_source", "team_id", "source_channel", "source_ts"),
        # One occurrence of a series per due date: two completions at once create the next occurrence once.
        Index("ix_action_item_series_due", "team_id", "series", "due_date", unique=True),
        # The before-due sweep's one read: open items with a time, by due date (migration 0009 says why partial).
        Index(
            "ix_action_item_timed_due",
            "due_date",
            sqlite_where=text(_TIMED),
            postgresql_where=text(_TIMED),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    number: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=16)
    owner: str | None = Field(default=None, max_length=32)  # None: captured from notes with nobody to own it yet
    created_by: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=32)
    private: bool = Field(default=False)
    due_date: date | None = Field(default=None)
    due_time: time | None = Field(default=None)
    due_tz: str | None = Field(default=None, max_length=64)
    deliverable_id: int | None = Field(default=None, foreign_key="deliverable.id", index=True)
    source_url: str | None = Field(default=None, sa_column=Column(Text))
    source_channel: str | None = Field(default=None, max_length=32)
    source_ts: str | None = Field(default=None, max_length=32)
    source_entry: str | None = Field(default=None, max_length=16)  # the notes entry it came from (a fingerprint)
    by_app: bool = Field(default=False)  # captured from an app's message: `created_by` is that app's bot user
    recurrence: str | None = Field(default=None, max_length=255)  # an RFC 5545 rule without "RRULE:"
    series: int | None = Field(default=None)  # the number of the series' first occurrence
    snoozed_until: date | None = Field(default=None)
    created_at: datetime = Field(sa_column=_utc(False))
    updated_at: datetime | None = Field(default=None, sa_column=_utc())
    completed_at: datetime | None = Field(default=None, sa_column=_utc())
    completed_by: str | None = Field(default=None, max_length=32)


class DigestSubscription(SQLModel, table=True):
    """A channel's digest schedule."""

    __tablename__ = "digest_subscription"
    __table_args__ = (UniqueConstraint("team_id", "channel", name="uq_digest_team_channel"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    cadence: str = Field(max_length=8)
    day: str | None = Field(default=None, max_length=10)
    time: str = Field(max_length=5)
    tz: str = Field(max_length=64)
    created_by: str = Field(max_length=32)
    enabled: bool = Field(default=True)
    charts_enabled: bool = Field(default=True)
    last_posted_at: datetime | None = Field(default=None, sa_column=_utc())
    created_at: datetime = Field(sa_column=_utc(False))


class OutboundClaim(SQLModel, table=True):
    """A send claimed before it goes: unique per recipient, kind and local day or slot."""

    __tablename__ = "outbound_claim"
    __table_args__ = (
        UniqueConstraint("team_id", "recipient", "kind", "slot", name="uq_outbound_claim"),
        Index("ix_outbound_claim_state", "state", "claimed_at"),
        Index("ix_outbound_claim_ready", "state", "not_before"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    recipient: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    slot: str = Field(max_length=64)
    state: str = Field(default="queued", max_length=16)  # storage.repositories.outbox.OutboxState
    attempts: int = Field(default=1)
    claimed_at: datetime = Field(sa_column=_utc(False))
    sent_at: datetime | None = Field(default=None, sa_column=_utc())
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # What to post and where (JSON); none for a slot with nothing to send ("skipped").
    payload: str | None = Field(default=None, sa_column=Column(Text))
    # A queued message is not sent before this instant (a failed send waits before its next attempt).
    not_before: datetime | None = Field(default=None, sa_column=_utc())
    # When it was queued: a send that keeps failing is given up once it is too old to matter.
    queued_at: datetime | None = Field(default=None, sa_column=_utc())


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids received (a retry does nothing); a captured message is held here."""

    # a captured message is held here (its `payload`) from before the answer until its items are written, which clears
    # it.

    __tablename__ = "processed_event"
    __table_args__ = (
        Index(
            "ix_processed_event_held",
            "received_at",
            sqlite_where=text("payload IS NOT NULL"),
            postgresql_where=text("payload IS NOT NULL"),
        ),
    )
    team_id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(sa_column=_utc(False))
    # A capture received and not yet written: JSON of what the message said (bot/listeners/events.py).
    payload: str | None = Field(default=None, sa_column=Column(Text))
    # A held capture whose writing failed: how often, when to try again, and whether it was given up (after a day).
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    retry_at: datetime | None = Field(default=None, sa_column=_utc())
    given_up: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})


class AuditEntry(SQLModel, table=True):
    """One change to a record: who, what, when, before -> after."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_team_key", "team_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    at: datetime = Field(sa_column=_utc(False))
    by: str = Field(max_length=32)
    key: str = Field(max_length=24)
    change: str = Field(max_length=255)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))


class Installation(SQLModel, table=True):
    """A workspace's OAuth installation; tokens are stored encrypted when FOLLOWTHROUGH_SECRET_KEY is set."""

    __tablename__ = "installation"
    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    team_name: str = Field(default="", max_length=255)
    app_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    bot_token: str = Field(sa_column=Column(Text, nullable=False))
    bot_refresh_token: str | None = Field(default=None, sa_column=Column(Text))
    bot_token_expires_at: datetime | None = Field(default=None, sa_column=_utc())
    installer_user_id: str | None = Field(default=None, max_length=32)
    installed_at: datetime = Field(sa_column=_utc(False))
    updated_at: datetime | None = Field(default=None, sa_column=_utc())


class OAuthState(SQLModel, table=True):
    """A one-time OAuth state value, consumed by the redirect."""

    __tablename__ = "oauth_state"
    state: str = Field(primary_key=True, max_length=128)
    expires_at: datetime = Field(sa_column=_utc(False))
