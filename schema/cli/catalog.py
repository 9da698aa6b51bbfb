"""`zhifa catalog`: the catalog as an Excel workbook for the domain departments, and back.

Registered in schema/cli.py, which imports this module; so this module does not import
schema.cli (that would be an import cycle) and builds its PluginManager itself.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from zhifa.core.catalog.spreadsheet import (
    export_workbook,
    import_workbook,
    write_plugin_data,
)
from zhifa.core.config import Settings
from zhifa.core.plugin_manager import BUILTIN, PluginError, PluginManager, PluginsConfig

catalog_app = typer.Typer(help="执法事项目录与 Excel 工作簿的导入导出", no_args_is_help=True)
console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )


@catalog_app.command("export")
def export(
    output: Path = typer.Option(Path("catalog.xlsx"), "--output", "-o", help="写入的工作簿（.xlsx）"),
    domain: list[str] | None = typer.Option(None, "--domain", "-d", help="只导出此领域，可重复；省略则导出全部领域"),
) -> None:
    """把已加载插件的执法事项、事实、裁量基准和检查清单导出为 Excel 工作簿。"""
    settings = Settings.from_env()
    try:
        catalog = PluginManager(PluginsConfig.read(settings.plugins_file), trace=settings.trace_plugins).load().catalog
    except PluginError as exc:
        typer.secho(str(exc), fg="red")
        raise typer.Exit(2) from None
    try:
        with _progress() as progress:
            export_workbook(catalog, output, domain or None, progress)
    except ValueError as exc:
        typer.secho(str(exc), fg="red")
        raise typer.Exit(2) from None
    console.print(f"已写入 {output}")


@catalog_app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="要导入的工作簿（.xlsx）"),
    domain: str = typer.Option(..., "--domain", "-d", help="导入哪个领域的事项和检查清单"),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="写入的插件数据目录；省略则为该领域内置插件的 data 目录"),
) -> None:
    """校验工作簿中一个领域的数据；无误则写成插件的 items.toml、discretion.toml、checklists.toml，有误则逐行列出并以 1 退出。"""
    folder = data_dir or _builtin_data_dir(domain)
    with _progress() as progress:
        result = import_workbook(file, domain, progress)
    if result.errors:
        # Plain lines: they are copied into mails and tickets, and may hold "[...]" that rich would eat.
        for error in result.errors:
            typer.secho(str(error), fg="red")
        typer.echo(f"共 {len(result.errors)} 处错误，未写入任何文件。")
        raise typer.Exit(1)
    for path in write_plugin_data(result, folder):
        console.print(f"已写入 {path}")


def _builtin_data_dir(domain: str) -> Path:
    # Only the built-in plug-ins' modules are imported: loading the whole catalog would refuse to
    # start when the current data is broken, which is exactly when an import is needed.
    for target in BUILTIN.values():
        module, _, attr = target.partition(":")
        plugin = getattr(importlib.import_module(module), attr)
        if plugin.domain.code == domain:
            return plugin.data
    typer.secho(f"“{domain}”不是内置插件的领域，请用 --data-dir 指定写入的目录", fg="red")
    raise typer.Exit(2)


@catalog_app.command("publish")
def publish(
    code: str = typer.Argument(..., help="事项编码"),
    version: int = typer.Argument(..., help="要发布的草稿版本号（见 zhifa db upgrade 的输出或 catalogItemVersions 查询）"),
    effective_from: str = typer.Option(..., "--effective-from", help="生效日期 YYYY-MM-DD，不早于今天"),
    actor: str = typer.Option(..., "--actor", help="发布人（记入审计），如 officer:<人员ID>"),
) -> None:
    """发布事项草稿：自生效日期起取代现行版本，现行版本同日失效（记入审计链）。"""
    import asyncio
    import datetime as dt

    from zhifa.core.catalog.publication import publish as publish_version
    from zhifa.core.db import make_engine, session_factory, transaction
    from zhifa.core.errors import UserError

    async def run() -> None:
        engine = make_engine(Settings.from_env().database_url)
        try:
            async with transaction(session_factory(engine)) as session:
                await publish_version(session, actor, code, version, dt.date.fromisoformat(effective_from))
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except (UserError, ValueError) as exc:
        typer.secho(str(exc), fg="red")
        raise typer.Exit(1) from None
    console.print(f"已发布 {code} 第 {version} 版，自 {effective_from} 起生效")
