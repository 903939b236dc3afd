"""Event folders: one row per folder level of an event's path, for the feed's folder filter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PATH = sa.String(1024).with_variant(sa.String(1024, collation="C"), "postgresql")
BATCH = 10_000


def upgrade() -> None:
    folders = op.create_table(
        "event_folders",
        sa.Column("event_id", EVENT_ID, nullable=False),
        sa.Column("folder", PATH, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_folders_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "folder", name=op.f("pk_event_folders")),
    )
    op.create_index(
        op.f("ix_event_folders_folder_event_id"), "event_folders", ["folder", "event_id"]
    )

    events = sa.table("events", sa.column("id", EVENT_ID), sa.column("path", PATH))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.path)
            .where(events.c.path.is_not(None), events.c.id > last)
            .order_by(events.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [
            {"event_id": event_id, "folder": folder}
            for event_id, path in rows
            for folder in folders_of(path)
        ]
        if values:
            connection.execute(folders.insert(), values)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_table("event_folders")


def folders_of(path: str) -> list[str]:
    """As ``moiety.core.event_fields.folders_of`` was when this revision was written."""
    parts = path.split("/")[:-1][:32]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
