"""生态环境（ecology）: the built-in plug-in for this domain, shaped like a third-party package."""

from pathlib import Path

from core.hooks import DataPlugin, Domain

__version__ = "1.0.0"

plugin = DataPlugin(
    Domain(code="ecology", name_zh="生态环境", name_en="Ecology and environment", version=__version__),
    data=Path(__file__).parent / "data",
)
