"""An example people workbook (人员工作簿) for `zhifa people import`: one new township team of the
demo county with its officers and their enforcement certificates.

    .venv/bin/python tests/data/people_example.py people-example.xlsx
    .venv/bin/zhifa people import people-example.xlsx --actor officer:<你的人员ID>

It needs the divisions of 舟山市 (`zhifa demo load` writes them, or `zhifa regions import
core/people/data/zhoushan-regions.csv`). The first row is the demo's county bureau exactly as the
demo records it: after `zhifa demo load` it is found and left alone, elsewhere it is created.
The ID numbers are made up (valid in form only).
"""

from __future__ import annotations

import datetime as dt
import sys

from stdnum.cn import ric
from zhifa.core.people.models import AgencyKind, OfficerRole
from zhifa.core.people.workbook import (
    AgencyRow,
    Book,
    CertificateRow,
    OfficerRow,
    write_book,
)

BUREAU = "舟山市定海区综合行政执法局"
TEAM = "定海区白泉镇综合行政执法队"
TEAM_DOMAINS = ("construction", "market")


def id_number(birth: str, serial: int) -> str:
    body = f"330902{birth}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check character


PEOPLE = [  # name, birth date, role, agency, external identity, posted on
    ("沈立群", "19780312", OfficerRole.AGENCY_HEAD, TEAM, "zjzw-100231", "2022-06-01"),
    ("林海燕", "19860907", OfficerRole.OFFICER, TEAM, "zjzw-100232", "2022-06-01"),
    ("郑卫东", "19910125", OfficerRole.OFFICER, TEAM, None, "2023-09-15"),
    ("陈晓丽", "19970630", OfficerRole.AUXILIARY, TEAM, None, "2024-03-01"),
    ("傅敏", "19830419", OfficerRole.STAFF_ADMIN, BUREAU, "zjzw-100001", "2021-01-04"),
]


def example_book() -> Book:
    officers = [
        OfficerRow(name, id_number(birth, 11 + n), role, agency, external, dt.date.fromisoformat(posted))
        for n, (name, birth, role, agency, external, posted) in enumerate(PEOPLE)
    ]
    enforcing = [o for o in officers if o.role in (OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER)]
    return Book(
        agencies=[
            AgencyRow(BUREAU, "定综执", AgencyKind.COMPREHENSIVE_BUREAU, "330902", None,
                      ("agriculture", "construction", "ecology", "market", "transport")),
            AgencyRow(TEAM, "定白泉执", AgencyKind.TOWNSHIP_TEAM, "330902100", BUREAU, TEAM_DOMAINS),
        ],
        officers=officers,
        certificates=[
            CertificateRow(f"浙0902B{n:05d}", o.id_number, "浙江省人民政府", TEAM_DOMAINS, o.posted_on, o.posted_on.replace(year=o.posted_on.year + 5) - dt.timedelta(days=1))
            for n, o in enumerate(enforcing, 1)
        ],
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "people-example.xlsx"
    write_book(target, example_book())
    print(f"已写入 {target}")
