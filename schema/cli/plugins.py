"""`zhifa plugin …`: tools for departments writing a plug-in (registered in schema/cli.py)."""

from __future__ import annotations

from pathlib import Path

import typer
from zhifa.core.scaffold import ScaffoldError, new_plugin

plugin_app = typer.Typer(help="插件开发", no_args_is_help=True)


@plugin_app.callback()
def plugin_group() -> None:
    """插件开发：生成新的插件包。"""
    # An explicit callback keeps `new` a sub-command even while it is the only one: Typer
    # otherwise collapses a one-command app into that command.


@plugin_app.command("new")
def plugin_new(
    name: str = typer.Argument(..., help="插件名称（小写标识符），即 plugins.toml 中启用的名称和领域代码，如 forestry"),
    parent: Path = typer.Option(Path("."), "--dir", help="在此目录下创建 zhifa-NAME/"),
    domain_zh: str = typer.Option(None, "--domain-zh", help="领域中文名，如 林业；省略则为“示例领域”"),
) -> None:
    """生成插件包 zhifa-NAME/：入口点、领域描述、三个示例数据文件、测试和说明。"""
    try:
        folder = new_plugin(name, parent, domain_zh=domain_zh)
    except ScaffoldError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"已创建插件包 {folder}：")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        typer.echo(f"  {path.relative_to(folder)}")
    typer.echo(f"下一步：替换 data/ 中标有“示例”的内容，然后 cd {folder} && pip install -e '.[test]' && pytest")
