"""Initial schema: projects and their teams, events with tags and mentions, reactions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("template", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_projects")),
    )
    op.create_table(
        "project_teams",
        sa.Column("project_slug", sa.String(64), nullable=False),
        sa.Column("team", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_slug"],
            ["projects.slug"],
            name=op.f("fk_project_teams_project_slug_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_slug", "team", name=op.f("pk_project_teams")),
    )
    op.create_index(op.f("ix_project_teams_team"), "project_teams", ["team"])

    op.create_table(
        "events",
        sa.Column("id", EVENT_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column(
            "path",
            sa.String(1024).with_variant(sa.String(1024, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("key", sa.String(255), nullable=True),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.slug"],
            name=op.f("fk_events_project_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("project", "key", name=op.f("uq_events_project_key")),
        sqlite_autoincrement=True,
    )
    for columns in (["project", "id"], ["actor", "id"], ["kind", "id"], ["path", "id"]):
        op.create_index(op.f(f"ix_events_{'_'.join(columns)}"), "events", columns)

    for table, column, length in (("event_tags", "tag", 100), ("event_mentions", "name", 255)):
        op.create_table(
            table,
            sa.Column("event_id", EVENT_ID, nullable=False),
            sa.Column(column, sa.String(length), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["event_id"],
                ["events.id"],
                name=op.f(f"fk_{table}_event_id_events"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("event_id", column, name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_{column}_event_id"), table, [column, "event_id"])

    op.create_table(
        "reactions",
        sa.Column("event_id", EVENT_ID, nullable=False),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("emoji", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_reactions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user", "emoji", name=op.f("pk_reactions")),
    )


def downgrade() -> None:
    for table in ("reactions", "event_mentions", "event_tags", "events", "project_teams"):
        op.drop_table(table)
    op.drop_table("projects")
