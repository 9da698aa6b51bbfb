"""`zhifa regions`: the administrative divisions the deployment loads from a file."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from zhifa.core.config import Settings

regions_app = typer.Typer(help="行政区划", no_args_is_help=True)
console = Console()


@regions_app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="区划文件（.csv 或 .xlsx）"),
    on: str = typer.Option(None, "--on", help="变更生效日期 YYYY-MM-DD；省略则为今天（北京时间）"),
    actor: str = typer.Option("system:regions-import", "--actor", help="记入审计的操作人，如 officer:<人员ID>"),
) -> None:
    """导入行政区划：列为 区划代码/code、名称/name，可选 上级区划代码/parent_code、并入区划代码/successor_code、
    重点乡镇/key_township。逐行校验，有误则逐行列出、不写入任何变更并以 1 退出；更名、改变隶属自 --on 起作为新版本，
    并入的区划自该日起撤销。重复导入同一文件不产生变更。"""
    from zhifa.core.clock import legal_today
    from zhifa.core.db import make_engine, session_factory, transaction
    from zhifa.core.people.region_import import import_regions

    try:
        day = dt.date.fromisoformat(on) if on else legal_today()
    except ValueError:
        raise typer.BadParameter(f"“{on}”不是 YYYY-MM-DD 格式的日期", param_hint="--on") from None

    async def run():
        engine = make_engine(Settings.from_env().database_url)
        try:
            async with transaction(session_factory(engine)) as session:
                return await import_regions(session, file, day, legal_today(), actor)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    if report.errors:
        # Plain lines: they are copied into mails and tickets, and may hold "[...]" that rich would eat.
        for error in report.errors:
            typer.secho(str(error), fg="red")
        typer.echo(f"共 {len(report.errors)} 处错误，未写入任何变更。")
        raise typer.Exit(1)
    typer.echo(f"{report.summary()}，生效日期 {day}")
