"""The `zhifa` command."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from zhifa.core.config import Settings
from zhifa.core.plugin_manager import PluginError, PluginManager, PluginsConfig
from zhifa.schema.cli.catalog import catalog_app
from zhifa.schema.cli.people import people_app
from zhifa.schema.cli.plugins import plugin_app
from zhifa.schema.cli.regions import regions_app
from zhifa.schema.cli.supervision import supervision_app

app = typer.Typer(help="zhifa：综合行政执法平台后端", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据", no_args_is_help=True)
plugins_app = typer.Typer(help="插件", no_args_is_help=True)
schema_app = typer.Typer(help="GraphQL 模式", no_args_is_help=True)
audit_app = typer.Typer(help="审计记录", no_args_is_help=True)
token_app = typer.Typer(help="访问令牌", no_args_is_help=True)
for sub, name in (
    (db_app, "db"),
    (demo_app, "demo"),
    (plugins_app, "plugins"),
    (schema_app, "schema"),
    (audit_app, "audit"),
    (token_app, "token"),
    (plugin_app, "plugin"),
    (catalog_app, "catalog"),
    (people_app, "people"),
    (supervision_app, "supervision"),
    (regions_app, "regions"),
):
    app.add_typer(sub, name=name)

console = Console()


def _plugins(settings: Settings) -> PluginManager:
    try:
        return PluginManager(PluginsConfig.read(settings.plugins_file), trace=settings.trace_plugins).load()
    except PluginError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """应用全部数据库迁移（核心及插件分支），并把插件的执法事项同步为版本化记录。"""
    settings = Settings.from_env()
    console.print(f"数据库：{settings.database_url}")
    report = asyncio.run(_upgrade(settings, _plugins(settings)))
    console.print(f"已是最新。领域 {report.domains} 个；新增事项 {len(report.added)} 项，修订草稿 {len(report.amended)} 项。")
    if report.amended:
        console.print("修订以草稿保存，发布后才生效：zhifa catalog publish 编码 --effective-from 日期")


async def _upgrade(settings: Settings, plugins: PluginManager):
    from zhifa.core.catalog.sync import sync_catalog
    from zhifa.core.db import make_engine, session_factory, transaction
    from zhifa.core.migrate import upgrade_async

    await upgrade_async(settings.database_url, [path for _, path in plugins.migration_folders()])
    engine = make_engine(settings.database_url)
    try:
        async with transaction(session_factory(engine)) as session:
            return await sync_catalog(session, plugins.catalog)
    finally:
        await engine.dispose()


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """启动 GraphQL 服务（/graphql，浏览器中打开即为 GraphiQL）。"""
    from zhifa.schema.http.serve import run

    console.print(f"GraphQL：http://{host}:{port}/graphql")
    run(host, port, workers)


@demo_app.command("load")
def demo_load(
    seed: int = 2026,
    cases: int = 500,
    entities: int = 200,
    scale: str | None = typer.Option(None, help="省级规模数据集：county（一个县）、city（一个地市）或 province（全省）；不指定则载入小型演示地市"),
    replace: bool = typer.Option(False, help="与 --scale 同用：替换数据库中已有的其他数据"),
) -> None:
    """载入演示地市（舟山市）：定海区、普陀区各有县局、专业队伍、乡镇执法队和司法局，另有市局、市司法局；案件数、相对人数为合计，三分之二在定海区。"""
    from zhifa.core.demo import load_demo
    from zhifa.core.entities.crypto import DataKey

    settings = Settings.from_env()
    plugins = _plugins(settings)
    asyncio.run(_upgrade(settings, plugins))
    key = DataKey.from_hex(settings.data_key_hex())
    if scale is not None:
        _demo_scale(settings, plugins, key, scale, seed, replace)
        return
    summary = asyncio.run(
        load_demo(settings.database_url, plugins.catalog, key, seed=seed, cases=cases, entities=entities, console=console)
    )
    console.print(summary)
    if not settings.production:
        from zhifa.core.demo import token_people

        _print_demo_tokens(settings, token_people)


def _demo_scale(settings: Settings, plugins: PluginManager, key, scale: str, seed: int, replace: bool) -> None:
    """`demo load --scale`: the province-sized data set (core.scale), reused when already loaded."""
    from zhifa.core.errors import UserError
    from zhifa.core.scale import SCALES, load_scale
    from zhifa.core.scale.tokens import token_people

    if scale not in SCALES:
        console.print(f"[red]未知的规模“{scale}”：可选 {'、'.join(SCALES)}[/red]")
        raise typer.Exit(2)
    try:
        dataset = asyncio.run(load_scale(settings.database_url, plugins.catalog, key, scale=scale, seed=seed, console=console, replace=replace))
    except UserError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    counts = dataset.counts
    if dataset.reused:
        console.print(f"数据库中已有演示数据集 {scale}（种子 {seed}，{dataset.loaded_at} 载入），未重复载入。")
    else:
        console.print(f"已载入演示数据集 {scale}（种子 {seed}），用时 {dataset.seconds} 秒。")
    console.print("、".join(f"{table} {n}" for table, n in counts.items()))
    if not settings.production:
        _print_demo_tokens(settings, token_people)


def _print_demo_tokens(settings: Settings, token_people) -> None:
    """Ready-made development tokens for the people `token_people(session)` names (the small demo's
    or a scale data set's), to paste into GraphiQL's Headers tab."""
    from zhifa.core.db import make_engine, session_factory
    from zhifa.schema.kit.auth import issue_token

    async def people():
        engine = make_engine(settings.database_url)
        try:
            async with session_factory(engine)() as session:
                return await token_people(session)
        finally:
            await engine.dispose()

    console.print("演示令牌（8 小时有效；在 GraphiQL 的 Headers 中填入 {\"Authorization\": \"Bearer <令牌>\"}）：")
    for label, role, officer, agency in asyncio.run(people()):
        token = issue_token(settings.jwt_secret_or_dev(), subject=f"officer:{officer.id}", roles=[role.value], agency=str(agency.id), audience=settings.jwt_audience)
        console.print(f"[bold]{label}[/bold]（{officer.name}，{agency.name}）：\n{token}", soft_wrap=True)


@demo_app.command("serve")
def demo_serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """一步到位：迁移数据库、载入演示数据（如尚未载入）并启动服务。"""
    demo_load()
    serve(host=host, port=port)


@plugins_app.command("list")
def plugins_list() -> None:
    """列出已加载的插件、版本及其事项、裁量基准、检查清单数量。"""
    plugins = _plugins(Settings.from_env())
    catalog = plugins.catalog
    table = Table("插件", "版本", "来源", "领域", "事项", "裁量基准", "检查清单", "检查要点")
    for name, loaded in plugins.loaded.items():
        domains = [c for c, p in catalog.domain_plugin.items() if p == name]
        codes = [c for c, p in catalog.item_plugin.items() if p == name]
        lists = [c for c in catalog.checklists.values() if c.domain in domains]
        table.add_row(
            name,
            loaded.version,
            loaded.source,
            "、".join(domains),
            str(len(codes)),
            str(sum(1 for c in codes if c in catalog.tables)),
            str(len(lists)),
            str(sum(len(c.points) for c in lists)),
        )
    console.print(table)


@schema_app.command("export")
def schema_export(output: Path = typer.Option(None, "--output", "-o", help="写入文件；省略则打印")) -> None:
    """打印或写出 GraphQL 模式（SDL）。仓库中的 schema.graphql 由此生成。"""
    from zhifa.schema.build import build_schema

    sdl = build_schema(_plugins(Settings.from_env())).as_str() + "\n"
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
        console.print(f"已写入 {output}")


@audit_app.command("verify")
def audit_verify() -> None:
    """逐条核验审计哈希链，指出第一处断裂。"""
    from zhifa.core.audit.service import verify
    from zhifa.core.db import make_engine, session_factory

    async def run():
        engine = make_engine(Settings.from_env().database_url)
        try:
            async with session_factory(engine)() as session:
                return await verify(session)
        finally:
            await engine.dispose()

    checked, broken = asyncio.run(run())
    if broken:
        console.print(f"[red]审计链断裂：第 {broken.seq} 条：{broken.reason}[/red]（已核验 {checked} 条）")
        raise typer.Exit(1)
    console.print(f"审计链完整：共 {checked} 条记录。")


@token_app.command("issue")
def token_issue(
    subject: str = typer.Option(..., "--subject", help="officer:<人员ID> 或 service:<账号名>"),
    role: list[str] = typer.Option(..., "--role", help="officer / auxiliary / legal_reviewer / agency_head / supervisor / provincial"),
    agency: str = typer.Option(None, "--agency", help="所属执法主体的 UUID（人员和监督机关必填）"),
    region: list[str] = typer.Option([], "--region", help="服务账号可读的行政区划代码，可多次给出"),
    scope: list[str] = typer.Option([], "--scope", help="服务账号的读取范围，如 read:cases"),
    hours: int = typer.Option(8, "--hours", help="有效小时数（不超过 720）"),
) -> None:
    """签发开发用 HS256 令牌（密钥取自 ZHIFA_JWT_SECRET；生产环境的令牌由统一身份认证签发）。"""
    import datetime as dt

    from zhifa.core.access.viewer import Role
    from zhifa.schema.kit.auth import issue_token

    settings = Settings.from_env()
    secret = settings.jwt_secret_or_dev()
    if not secret:
        console.print("[red]未设置 ZHIFA_JWT_SECRET[/red]")
        raise typer.Exit(2)
    unknown = [r for r in role if r not in {x.value for x in Role}]
    if unknown:
        console.print(f"[red]未知角色：{'、'.join(unknown)}[/red]")
        raise typer.Exit(2)
    token = issue_token(
        secret,
        subject=subject,
        roles=role,
        agency=agency,
        regions=region,
        scopes=scope,
        audience=settings.jwt_audience,
        lifetime=dt.timedelta(hours=hours),
    )
    typer.echo(token)
