"""住房和城乡建设（construction）: the built-in plug-in for this domain, shaped like a third-party package."""

from pathlib import Path

from core.hooks import DataPlugin, Domain

__version__ = "1.0.0"

plugin = DataPlugin(
    Domain(code="construction", name_zh="住房和城乡建设", name_en="Construction and urban management", version=__version__),
    data=Path(__file__).parent / "data",
)
