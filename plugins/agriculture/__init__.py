"""农业农村（agriculture）: the built-in plug-in for this domain, shaped like a third-party package."""

from pathlib import Path

from core.hooks import DataPlugin, Domain

__version__ = "1.0.0"

plugin = DataPlugin(
    Domain(code="agriculture", name_zh="农业农村", name_en="Agriculture and rural affairs", version=__version__),
    data=Path(__file__).parent / "data",
)
