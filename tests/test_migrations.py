"""Alembic owns the schema: the migrations build exactly the models' tables, on either engine."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from zhifa.core.ids import new_id
from zhifa.core.migrate import alembic_config, upgrade_async
from zhifa.core.models import Base


async def test_migrations_create_every_table_and_reach_head(engine, database_url):
    await upgrade_async(database_url)  # a second run is a no-op
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        current = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars().all()
    assert set(Base.metadata.tables) <= tables
    assert current == [ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()]


async def test_database_constraints_back_the_invariants(db):
    """The CHECK constraints themselves refuse bad rows, whatever the application would have sent."""
    insert = sa.text("INSERT INTO regions (id, code, name, level) VALUES (:id, :code, 'x', :level)").bindparams(
        sa.bindparam("id", type_=sa.Uuid)
    )
    for values in ({"code": "12", "level": "county"}, {"code": "330902", "level": "planet"}):
        async with db() as session:
            try:
                async with session.begin():
                    await session.execute(insert, {"id": new_id(), **values})
                raised = False
            except sa.exc.DBAPIError:
                raised = True
        assert raised, values
