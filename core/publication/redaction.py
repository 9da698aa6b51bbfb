"""What a published penalty decision may show (APL Art. 48 and 50; PIPL Art. 25; REFERENCE §9).

Natural persons and individual businesses appear as surname + 某; their ID numbers, phone numbers
and street addresses never appear. Legal persons keep their name and unified social credit code.
Pure functions, versioned: a publication stores the version that produced it, so the published
text can be reproduced and audited.
"""

from __future__ import annotations

import re

REDACTION_VERSION = "2026.1"
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


def address(text: str, kind: str) -> str:
    """Natural persons: only the county-level part (…市…区); legal persons: as registered."""
    if kind not in PERSON_KINDS:
        return text
    match = re.match(r"^(.*?(?:省|自治区))?(.*?市)?(.*?(?:区|县|市))?", text)
    kept = "".join(part for part in match.groups() if part) if match else ""
    return kept or "（已隐去）"


def free_text(text: str) -> str:
    """Scrub ID and phone numbers that slipped into facts or reasons."""
    return PHONE.sub("＊＊＊", ID_NUMBER.sub("＊＊＊", text))
