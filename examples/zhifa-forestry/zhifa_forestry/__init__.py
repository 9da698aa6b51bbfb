"""林业（forestry）: an example third-party plug-in, installed as its own distribution."""

from pathlib import Path

from zhifa.core.hooks import DataPlugin, Domain

__version__ = "0.1.0"

plugin = DataPlugin(
    Domain(code="forestry", name_zh="林业", name_en="Forestry", version=__version__),
    data=Path(__file__).parent / "data",
)
