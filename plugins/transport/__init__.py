"""交通运输（transport）: the built-in plug-in for this domain, shaped like a third-party package."""

from pathlib import Path

from core.hooks import DataPlugin, Domain

__version__ = "1.0.0"

plugin = DataPlugin(
    Domain(code="transport", name_zh="交通运输", name_en="Transport", version=__version__),
    data=Path(__file__).parent / "data",
)
