"""`zhifa supervision`: the supervision reports from the command line.

Registered in schema/cli.py, which imports this module (so this module does not import schema.cli).
The command runs with the database's full view, as the operator of the deployment does; `--region`
limits it the way a justice bureau's token would (the agencies at or below that region).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import sqlalchemy as sa
import typer
from rich.console import Console
from zhifa.core.access.viewer import descendants
from zhifa.core.config import Settings
from zhifa.core.errors import UserError
from zhifa.core.people.error_codes import PeopleErrorCode

supervision_app = typer.Typer(help="执法监督：责任制统计台账等", no_args_is_help=True)
console = Console()


@supervision_app.command("ledger")
def ledger(
    year: int | None = typer.Option(None, "--year", "-y", help="统计年度（与 --from/--to 二选一）"),
    start: str | None = typer.Option(None, "--from", help="统计期开始日 YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="统计期结束日 YYYY-MM-DD（含）"),
    region: str | None = typer.Option(None, "--region", help="只统计该行政区划代码及以下区划的执法主体"),
    out: Path = typer.Option(Path("ledger.xlsx"), "--out", "-o", help="写入的工作簿（.xlsx）"),
) -> None:
    """导出《行政执法责任制落实情况统计台账》工作簿：每个执法主体一行、合计、排名，另附口径说明。"""
    from zhifa.core.supervision.ledger import period_of

    try:
        period = period_of(year, dt.date.fromisoformat(start) if start else None, dt.date.fromisoformat(end) if end else None)
    except ValueError:
        console.print("[red]日期格式应为 YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None
    except UserError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    try:
        rows, total = asyncio.run(_export(Settings.from_env(), period, region, out))
    except UserError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    console.print(f"已写入 {out}：{period.label}，执法主体 {rows} 个，案件 {total} 件。")


async def _export(settings: Settings, period, region: str | None, out: Path) -> tuple[int, int]:
    from zhifa.core.db import make_engine, session_factory
    from zhifa.core.people.models import Agency, Region
    from zhifa.core.supervision.ledger import responsibility_ledger
    from zhifa.core.supervision.workbook import export

    engine = make_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            scope = None
            if region is not None:
                regions = {r.id: r for r in (await session.execute(sa.select(Region.id, Region.parent_id, Region.code))).all()}
                root = [r.id for r in regions.values() if r.code == region]
                if not root:
                    raise UserError(PeopleErrorCode.REGION_NOT_FOUND, f"没有代码为 {region} 的行政区划", "region")
                below = descendants(root, {r.id: r.parent_id for r in regions.values()})
                scope = (await session.execute(sa.select(Agency.id).where(Agency.region_id.in_(below)))).scalars().all()
            found = await responsibility_ledger(session, scope, period)
    finally:
        await engine.dispose()
    out.write_bytes(export(found))
    return len(found.rows), found.total.counts.registered
