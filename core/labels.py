"""Enums whose members carry their Chinese label, so every layer shows the law's own words."""

import enum


class LabeledEnum(enum.Enum):
    """Members are written `NAME = "value", "中文名"`; `.value` is the stored code."""

    label: str

    def __new__(cls, value: str, label: str):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member
