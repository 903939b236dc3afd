"""Alembic environment: runs on the connection :mod:`moiety.store.migrate` hands over."""

from alembic import context

from moiety.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError(
        "Moiety's migrations run through moiety.store.migrate.upgrade(url), not the alembic CLI."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
