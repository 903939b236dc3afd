"""Discussions: threads, comments, comment mentions and reactions, watches, notifications.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)
PATH = sa.String(1024).with_variant(sa.String(1024, collation="C"), "postgresql")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "threads",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("file_kind", sa.String(16), nullable=True),
        sa.Column("cell_id", sa.String(255), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("line_end", sa.Integer(), nullable=True),
        sa.Column("opened_path", PATH, nullable=False),
        sa.Column("opened_commit", sa.String(64), nullable=True),
        sa.Column("cell_hash", sa.String(64), nullable=True),
        sa.Column("line_text", sa.Text(), nullable=True),
        sa.Column("anchor_state", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("resolved_by", sa.String(255), nullable=True),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("reopened_by", sa.String(255), nullable=True),
        sa.Column("reopened_at", TIMESTAMP, nullable=True),
        sa.Column("event_id", ROW_ID, nullable=True),
        _fk("threads", "project", "projects.slug", "CASCADE"),
        _fk("threads", "event_id", "events.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_threads_project_path"), "threads", ["project", "path"])
    op.create_index(op.f("ix_threads_project_state_id"), "threads", ["project", "state", "id"])

    op.create_table(
        "comments",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("thread_id", ROW_ID, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("molecules", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("edited_at", TIMESTAMP, nullable=True),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("deleted_by", sa.String(255), nullable=True),
        sa.Column("event_id", ROW_ID, nullable=True),
        _fk("comments", "thread_id", "threads.id", "CASCADE"),
        _fk("comments", "event_id", "events.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_comments_thread_id_id"), "comments", ["thread_id", "id"])

    op.create_table(
        "comment_mentions",
        sa.Column("comment_id", ROW_ID, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("comment_mentions", "comment_id", "comments.id", "CASCADE"),
        sa.PrimaryKeyConstraint("comment_id", "name", name=op.f("pk_comment_mentions")),
    )
    op.create_index(
        op.f("ix_comment_mentions_name_comment_id"), "comment_mentions", ["name", "comment_id"]
    )

    op.create_table(
        "comment_reactions",
        sa.Column("comment_id", ROW_ID, nullable=False),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("emoji", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("comment_reactions", "comment_id", "comments.id", "CASCADE"),
        sa.PrimaryKeyConstraint("comment_id", "user", "emoji", name=op.f("pk_comment_reactions")),
    )

    op.create_table(
        "watches",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("watches", "project", "projects.slug", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
        sa.UniqueConstraint("user", "project", "path", name=op.f("uq_watches_user_project_path")),
    )
    op.create_index(op.f("ix_watches_project_path"), "watches", ["project", "path"])

    op.create_table(
        "notifications",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("event_id", ROW_ID, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("thread_id", ROW_ID, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=True),
        _fk("notifications", "event_id", "events.id", "CASCADE"),
        _fk("notifications", "thread_id", "threads.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user", "event_id", name=op.f("uq_notifications_user_event_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user", "id"])


def downgrade() -> None:
    for table in (
        "notifications",
        "watches",
        "comment_reactions",
        "comment_mentions",
        "comments",
        "threads",
    ):
        op.drop_table(table)
