"""A plan as one SQL statement that returns each row's JSON: PostgreSQL `json_build_object` /
`json_agg`, SQLite `json_object` / `json_group_array` (ordered by an ordered subquery: SQLite
before 3.44 has no ORDER BY inside aggregates). A `one` relation is a correlated subquery, a
`many` an ordered, aggregated one over the relation's own link statement; every subquery keeps
the viewer's scope (`Access.where`), so a related row out of reach is null or left out, as the
planner does it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import Over
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.compiled.columns import Expr, const
from zhifa.schema.kit.compiled.plan import Constant, Leaf, Nested, ObjectPlan, Private
from zhifa.schema.kit.planner import Kind

ROW = "$row"  # the stored columns `Kind.present` reads; no GraphQL response key can start with $


class JsonBuilder:
    def __init__(self, access: Access, dialect: str):
        self.access, self.dialect = access, dialect
        self.postgres = dialect == "postgresql"

    def object(self, plan: ObjectPlan, src: FromClause) -> Expr:
        pairs: list[tuple[str, Expr]] = []
        for f in plan.fields:
            if isinstance(f, Leaf):
                pairs.append((f.key, f.column.render(src, self.dialect)))
            elif isinstance(f, Constant):
                pairs.append((f.key, const(f.value)))
            elif isinstance(f, Private):
                pairs.append((f.key, sa.null()))  # filled by the Python pass, in place
            elif f.relation.shape == "one":
                pairs.append((f.key, self._embedded(self._one(f, src))))
            else:
                pairs.append((f.key, self._embedded(self._many(f, src))))
        if plan.row:
            pairs.append((ROW, self._build([(c, src.c[c]) for c in plan.row])))
        return self._build(pairs)

    def _build(self, pairs: list[tuple[str, Expr]]) -> Expr:
        args = [a for key, value in pairs for a in (const(key), value)]
        return sa.func.json_build_object(*args) if self.postgres else sa.func.json_object(*args)

    def _embedded(self, subquery: Expr) -> Expr:
        """SQLite hands a subquery's JSON back as text: json() makes it JSON again."""
        return subquery if self.postgres else sa.func.json(subquery)

    def _target(self, f: Nested) -> tuple[Kind, FromClause]:
        kind = self.access.kinds[f.relation.target] if isinstance(f.relation.target, str) else f.relation.target
        return kind, f.alias

    def _one(self, f: Nested, src: FromClause) -> Expr:
        kind, t = self._target(f)
        stmt = sa.select(self.object(f.plan, t)).where(t.c.id == src.c[f.relation.column], *self.access.where(kind.name, t))
        return stmt.scalar_subquery()

    def _many(self, f: Nested, src: FromClause) -> Expr:
        kind, t = self._target(f)
        link = f.relation.link([src.c.id])  # (source, target, position) of this row
        _, target, position = link.selected_columns[:3]
        order = list(position.order_by) if isinstance(position, Over) else [position]  # a row_number(): its own order
        value = self.object(f.plan, t)

        def rows(*columns: Expr) -> sa.Select:
            return link.with_only_columns(*columns, maintain_column_froms=True).join(t, t.c.id == target).where(*self.access.where(kind.name, t))

        if self.postgres:
            aggregated = sa.func.json_agg(value).aggregate_order_by(*order)
            return rows(sa.func.coalesce(aggregated, sa.literal_column("'[]'::json"))).scalar_subquery()
        ordered = rows(value.label("j")).order_by(*order).correlate(src).subquery()
        return sa.select(sa.func.json_group_array(sa.func.json(ordered.c.j))).scalar_subquery()
