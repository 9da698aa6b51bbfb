"""Alembic environment: async engines, batch mode on SQLite so ALTERs work there too."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from zhifa.core.db import make_engine
from zhifa.core.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def main() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("zhifa migrations run online only: zhifa db upgrade")
asyncio.run(main())
