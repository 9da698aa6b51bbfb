"""Legal days are counted in China Standard Time, whatever the server's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

LEGAL_ZONE = ZoneInfo("Asia/Shanghai")


def legal_today() -> dt.date:
    return dt.datetime.now(LEGAL_ZONE).date()


def legal_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LEGAL_ZONE).date()
