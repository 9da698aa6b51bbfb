"""What a published penalty decision may show (APL Art. 48 and 50; PIPL Art. 25; REFERENCE §9).

Natural persons and individual businesses appear as surname + 某; their ID numbers, phone numbers
and street addresses never appear. Legal persons keep their name and unified social credit code.
Free text taken from the case (the facts, a withdrawal's reasons) follows the same rules as the
structured fields: the known persons' names become surname + 某 wherever they occur, and a street
address (…路 12 号) is cut back to its county, so the text cannot undo what the fields withhold.
Pure functions, versioned: a publication stores the version that produced it, so the published
text can be reproduced and audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REDACTION_VERSION = "2026.2"
PERSON_KINDS = {"natural_person", "individual_business"}
# Compound surnames that would otherwise lose a character (欧阳某, not 欧某).
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "端木")
PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")


def party_name(name: str, kind: str) -> str:
    """张三 → 张某; an individual business keeps its shop name but not the operator's."""
    if kind not in PERSON_KINDS:
        return name
    if kind == "individual_business" and len(name) > 4:
        return name  # a registered shop name (定海某某餐饮店) is the business, not the person
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[:1])
    return f"{surname}某"


# A street address: from the start of the text or after a word that introduces a place (在, 住址：,
# （ …) to a house number on a road (海天大道 88 号, 解放西路12号3幢201室). The place words cannot
# be part of it, so "当事人在解放西路12号" keeps "当事人在".
_PLACE_WORDS = "在于址至从向到"
STREET = re.compile(
    rf"(?<![^\s{_PLACE_WORDS}：:，,、（(])(?:(?![{_PLACE_WORDS}])[\u4e00-\u9fff]){{1,20}}?"
    r"(?:大道|路|街|巷|弄|里)\s*\d+(?:-\d+)*\s*号"
    r"(?:\s*\d+\s*(?:幢|栋|单元|室|楼))*"
)
_COUNTY = re.compile(r"^(.*?(?:省|自治区))?(.*?市)?(.*?(?:区|县|市))?")


def _county_part(text: str) -> str:
    match = _COUNTY.match(text)
    return "".join(part for part in match.groups() if part) if match else ""


def address(text: str, kind: str) -> str:
    """Natural persons: only the county-level part (…市…区); legal persons: as registered."""
    if kind not in PERSON_KINDS:
        return text
    return _county_part(text) or "（已隐去）"


@dataclass(frozen=True)
class Party:
    """The party as the published text must withhold it: its kind, its name, the operator of an
    individual business (a natural person), and its address."""

    kind: str
    name: str
    address: str = ""
    operator: str | None = None

    def names(self) -> dict[str, str]:
        """Each known person's full name → how it is published, longest first (so 欧阳小明 goes before 欧阳)."""
        shown = {self.name: party_name(self.name, self.kind)}
        if self.operator:
            shown[self.operator] = party_name(self.operator, "natural_person")
        return dict(sorted(((n, r) for n, r in shown.items() if len(n) >= 2 and n != r), key=lambda p: -len(p[0])))


def free_text(text: str, party: Party | None = None) -> str:
    """ID and phone numbers always scrubbed; for a natural person or an individual business, the
    names and street addresses reduced as `party_name` and `address` reduce the fields."""
    text = PHONE.sub("＊＊＊", ID_NUMBER.sub("＊＊＊", text))
    if party is None or party.kind not in PERSON_KINDS:
        return text
    for name, shown in party.names().items():
        text = text.replace(name, shown)
    county = address(party.address, party.kind)
    return STREET.sub(lambda m: _county_part(m.group(0)) or county, text)
