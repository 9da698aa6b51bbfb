"""交通运输（transport）: the built-in plug-in for this domain, shaped like a third-party package.

Besides the data files it contributes one GraphQL field, `transportCasesByPlate`: the cases whose
facts record a vehicle plate (`plate_number`), whatever the spelling the officer typed. Plate
normalisation and validation are the plain functions below; `graphql.py` does the query.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from zhifa.core.errors import UserError
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl

from .error_codes import TransportErrorCode

__version__ = "1.0.0"

PLATE_FACT = "plate_number"
# Characters people type inside a plate that are not part of it: spaces, the dot printed after
# the issuing-authority letter (浙A·12345) and hyphens. Removed on both sides of a comparison.
SEPARATORS = (" ", "\u3000", "·", "•", "・", "-")

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTER = "A-HJ-NP-Z"  # plates never use I or O
PLATE = re.compile(
    rf"^[{PROVINCES}][{LETTER}]"
    rf"(?:[{LETTER}0-9]{{4}}[{LETTER}0-9挂学警港澳]"  # ordinary (GA 36): 浙L12345, 浙A1234学
    rf"|[A-HJK][{LETTER}0-9][0-9]{{4}}"  # small new-energy: 浙LD12345, 浙AF1A234
    rf"|[0-9]{{5}}[DF])$"  # large new-energy: 浙A12345D
)


def normalise_plate(text: str) -> str:
    """The canonical spelling: full-width forms folded, separators removed, letters upper-case."""
    folded = unicodedata.normalize("NFKC", text)
    for separator in SEPARATORS:
        folded = folded.replace(separator, "")
    return "".join(folded.split()).upper()


def parse_plate(text: str, field: str = "plate") -> str:
    """A normalised Chinese civil vehicle plate, or a PLATE_INVALID error saying what is expected."""
    plate = normalise_plate(text)
    if not PLATE.fullmatch(plate):
        raise UserError(
            TransportErrorCode.PLATE_INVALID,
            f"“{text}”不是有效的机动车号牌号码：应为省份简称 + 发牌机关代号字母 + 5 位序号（如 浙L12345），"
            "新能源汽车为 6 位序号（如 浙LD12345）",
            field,
        )
    return plate


class TransportPlugin(DataPlugin):
    @hookimpl
    def zhifa_graphql(self) -> GraphQLContribution:
        from .graphql import TransportQuery

        return GraphQLContribution(query=[TransportQuery], error_codes=[TransportErrorCode])


plugin = TransportPlugin(
    Domain(code="transport", name_zh="交通运输", name_en="Transport", version=__version__),
    data=Path(__file__).parent / "data",
)
