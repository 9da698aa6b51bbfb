"""A county's regulated entities (行政相对人): legal persons and individual businesses with valid
unified social credit codes (GB 32100, check digit by python-stdnum), natural persons with valid
resident ID numbers (GB 11643), personal data encrypted as the entity service stores it; each
with its first version (the particulars as first recorded)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from stdnum.cn import ric, uscc

from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.models import EntityChange, EntityKind, EntityStatus
from zhifa.core.scale.ids import Ids
from zhifa.core.scale.shape import INDIVIDUAL_BUSINESS_SHARE, NATURAL_PERSON_SHARE
from zhifa.core.scale.tables import Rows
from zhifa.core.scale.world import County, person_name

TRADES = (
    ("餐饮", "餐饮有限公司"), ("食品销售", "食品商贸有限公司"), ("建筑施工", "建设工程有限公司"), ("房地产开发", "置业有限公司"),
    ("水产加工", "水产品有限公司"), ("道路货运", "物流有限公司"), ("道路客运", "客运有限公司"), ("农资经营", "农资有限公司"),
    ("畜禽养殖", "养殖有限公司"), ("机械制造", "机械有限公司"), ("广告", "广告传媒有限公司"), ("化工", "化工有限公司"),
)
WORDS = "恒盛鑫隆泰和信达华兴永安宏远金源瑞丰嘉诚中天博创新锐佳德福顺通汇明辉"
STREETS = ("人民路", "解放路", "中山路", "建设路", "环城路", "新华路", "东风路", "文化路", "工业路", "滨江路")
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Party:
    """What a case needs of its entity."""

    id: uuid.UUID
    kind: str
    name: str
    address: str
    credit_code: str | None
    operator: str | None  # an individual business's 经营者


def entities(county: County, count: int, key: DataKey, seed: int, founded: dt.date, rows: Rows) -> list[Party]:
    rng, ids = random.Random(f"{seed}-entities-{county.code}"), Ids(f"{seed}-entities-{county.code}")
    recorded = dt.datetime.combine(founded, dt.time(9), dt.UTC)
    parties, people = [], 0
    for i in range(count):
        region = rng.choice(county.region_ids)
        trade, suffix = rng.choice(TRADES)
        address = f"浙江省{county.city}{county.name}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
        eid = ids.at(founded)
        representative = person_name(rng)
        if i % NATURAL_PERSON_SHARE == NATURAL_PERSON_SHARE - 1:
            kind, name, code, operator = EntityKind.NATURAL_PERSON, representative, None, None
            # (birth day, sequence) differ for every person of the county: 7919 is prime to 15000.
            body = f"{county.code}{dt.date(1960, 1, 1) + dt.timedelta(days=people * 7919 % 15000):%Y%m%d}{people % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            people += 1
            cipher, digest, phone, representative = key.encrypt(number), key.lookup(number), f"13{rng.randint(100000000, 999999999)}", None
        else:
            individual = i % INDIVIDUAL_BUSINESS_SHARE == 0
            kind = EntityKind.INDIVIDUAL_BUSINESS if individual else EntityKind.LEGAL_PERSON
            body = f"{'92' if individual else '91'}{county.code}MA{i:06d}{rng.choice(CODE_CHARS)}"
            code = body + uscc.calc_check_digit(body)
            words = rng.choice(WORDS) + rng.choice(WORDS)
            name = f"{county.name}{words}{trade}店（{i + 1}）" if individual else f"{county.city}{words}{suffix}（{county.name}{i + 1}）"
            operator = representative if individual else None
            cipher = digest = None
            phone = f"0{rng.randint(570, 580)}-{rng.randint(2000000, 8999999)}"
        tags = [trade]
        rows.add("entities", (eid, kind.value, name, code, cipher, digest, False, representative, key.encrypt(phone), address, region, tags,
                              EntityStatus.ACTIVE.value, 1))
        rows.add("entity_versions", (ids.at(founded), eid, 1, EntityChange.REGISTERED.value, None, name, address, representative, tags,
                                     EntityStatus.ACTIVE.value, "", recorded, "system"))
        parties.append(Party(eid, kind.value, name, address, code, operator))
    return parties
