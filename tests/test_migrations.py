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


async def test_migrations_build_exactly_the_indexes_the_models_declare(engine):
    """The access paths' indexes (keyset orders, jurisdiction columns, open deadlines) are declared
    on the models and built by the migrations, the same on both sides."""

    def built(conn) -> set:
        inspector = sa.inspect(conn)
        return {
            (table, index["name"], tuple(index["column_names"]))
            for table in Base.metadata.tables
            for index in inspector.get_indexes(table)
            if not index.get("duplicates_constraint")  # PostgreSQL lists a unique constraint's index too
        }

    async with engine.connect() as conn:
        found = await conn.run_sync(built)
    declared = {(t.name, i.name, tuple(c.name for c in i.columns)) for t in Base.metadata.tables.values() for i in t.indexes}
    assert found == declared
