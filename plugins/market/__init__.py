"""市场监督管理（market）: the built-in plug-in for this domain, shaped like a third-party package."""

from pathlib import Path

from core.hooks import DataPlugin, Domain

__version__ = "1.0.0"

plugin = DataPlugin(
    Domain(code="market", name_zh="市场监督管理", name_en="Market supervision", version=__version__),
    data=Path(__file__).parent / "data",
)
