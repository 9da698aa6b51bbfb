"""`zhifa people`: bulk onboarding of agencies, officers and certificates from an Excel workbook,
and its export (the sheets: core/people/workbook.py; the writes: core/people/onboarding.py).

Registered in schema/cli/__init__.py, which imports this module; so it does not import schema.cli.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from zhifa.core.config import Settings
from zhifa.core.entities.crypto import DataKey
from zhifa.core.people.workbook import (
    AGENCIES,
    CERTIFICATES,
    OFFICERS,
    Book,
    read_book,
    write_book,
)

people_app = typer.Typer(help="机构、人员和执法证的批量导入导出（Excel 工作簿）", no_args_is_help=True)


@people_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="工作簿（.xlsx），含“机构”“人员”“执法证”三张表")],
    actor: Annotated[str, typer.Option("--actor", help="导入人（记入审计），如 officer:<人员ID>")],
) -> None:
    """逐行校验并建档；有任何一行有误即逐行列出、以 1 退出，不写入任何记录。已登记且一致的行不变，不一致的列为冲突。"""
    from zhifa.core.people.onboarding import import_book

    settings = Settings.from_env()
    key = DataKey.from_hex(settings.data_key_hex())
    report = asyncio.run(_with_sessions(settings, lambda sessions: import_book(sessions, actor, key, read_book(file))))
    if report.errors:
        # Plain lines: they are copied into mails and tickets, and may hold "[...]" that rich would eat.
        for error in report.errors:
            typer.secho(str(error), fg="red")
        typer.echo(f"共 {len(report.errors)} 处错误，未写入任何记录。")
        raise typer.Exit(1)
    created = "、".join(f"{sheet.title} {report.created[sheet.title]}" for sheet in (AGENCIES, OFFICERS, CERTIFICATES))
    # Nothing stored is ever changed: a row that differs is a conflict and the import stops above.
    typer.echo(f"新建 {report.total_created} 条（{created}），变更 0 条；已登记且一致 {report.unchanged} 条。")


@people_app.command("export")
def export(output: Annotated[Path, typer.Argument(dir_okay=False, help="写入的工作簿（.xlsx）")]) -> None:
    """把未撤销的机构、在职人员及其执法证写成工作簿（格式同导入）；文件中的公民身份号码为明文。"""
    from zhifa.core.people.onboarding import export_book

    settings = Settings.from_env()
    key = DataKey.from_hex(settings.data_key_hex())

    async def read(sessions) -> tuple[Book, int]:
        async with sessions() as session:
            return await export_book(session, key)

    book, left_out = asyncio.run(_with_sessions(settings, read))
    write_book(output, book)
    typer.echo(f"已写入 {output}：机构 {len(book.agencies)} 行、人员 {len(book.officers)} 行、执法证 {len(book.certificates)} 行。")
    if left_out:
        typer.echo(f"另有 {left_out} 名人员已退休、所在机构已撤销或未登记公民身份号码，未导出。")
    typer.secho(
        "注意：该文件以明文载有公民身份号码等个人信息，须按个人信息保护的要求保管和传输，不得外发，用毕删除。",
        fg="yellow", err=True,
    )


async def _with_sessions(settings: Settings, work):
    from zhifa.core.db import make_engine, session_factory

    engine = make_engine(settings.database_url)
    try:
        return await work(session_factory(engine))
    finally:
        await engine.dispose()
