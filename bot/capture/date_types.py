"""The values date reading works with: the author's clock (When), a read date (ParsedDate) and a refusal (DateError)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_WORKING_DAYS = frozenset(range(5))
_SYSTEM_ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")
_NO_COUNTRY_ZONES = {"UTC", "UCT", "GMT", "Universal", "Zulu", "Greenwich", "Etc"}


class DateError(ValueError):
    """The words start like a date but are not one we can read, one that exists, or one that names a single day."""

    def __init__(
        self, phrase: str, impossible: bool = False, readings: tuple[str, ...] = (), vague: bool = False
    ) -> None:
        super().__init__(phrase)
        self.phrase = phrase
        self.impossible = impossible
        self.readings = readings
        self.vague = vague

    def about(self, phrase: str) -> DateError:
        """The same refusal, naming the whole phrase the person typed."""
        return DateError(phrase, self.impossible, self.readings, self.vague)


@dataclass(frozen=True)
class ParsedDate:
    """A calendar date with an optional time of day, as the author meant it (in the author's zone)."""

    day: date
    at: time | None = None


@dataclass(frozen=True)
class When:
    """The moment a phrase is read: the author's clock and zone, working days and holiday country."""

    now: datetime
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS
    # None: derived from the zone of `now` (zone.tab); "": explicitly none.
    holiday_country: str | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("When.now must carry the author's time zone")

    @property
    def today(self) -> date:
        """The author's calendar day."""
        return self.now.date()

    @property
    def tz(self) -> tzinfo:
        """The author's time zone."""
        assert self.now.tzinfo is not None  # checked in __post_init__
        return self.now.tzinfo

    @property
    def country(self) -> str | None:
        """The holiday country in force: the one set, or the zone's default."""
        if self.holiday_country is not None:
            return self.holiday_country.upper() or None
        return default_holiday_country(zone_key(self.tz))

    @classmethod
    def on(cls, day: date, tz: tzinfo = UTC, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> When:
        """For callers that only have a day: the start of that day in `tz`."""
        return cls(datetime.combine(day, time.min, tzinfo=tz), working_days)

    @classmethod
    def of(cls, today: date | When, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> When:
        """A When as given, or the start of a plain day in UTC with these working days."""
        return today if isinstance(today, When) else cls.on(today, working_days=working_days)


def zone_key(tz: tzinfo | None) -> str | None:
    """The IANA name of a zone ("UTC" for the fixed UTC), or None when it has none."""
    if isinstance(tz, ZoneInfo):
        return tz.key
    return "UTC" if tz is UTC else None


def default_holiday_country(zone: str | None) -> str | None:
    """The ISO country of an IANA zone through tzdata's zone.tab; none for UTC, Etc/* and unknown zones."""
    if not zone or zone.split("/")[0] in _NO_COUNTRY_ZONES:
        return None
    return _zone_countries().get(zone)


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = _SYSTEM_ZONE_TAB.read_text(encoding="utf-8") if _SYSTEM_ZONE_TAB.exists() else ""
    countries = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            countries[fields[2]] = fields[0]
    return countries
