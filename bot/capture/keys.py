"""Record keys: A-n, D-n, M-n, O-n and O-n.k, case-insensitive on input."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEY_RE = re.compile(r"^([ADMOadmo])-(\d{1,9})(?:\.(\d{1,6}))?$")
KIND_NAMES = {"A": "action item", "D": "deliverable", "M": "milestone", "O": "outcome"}


@dataclass(frozen=True)
class Key:
    """A parsed key; `sub` is the key-result number of O-n.k."""

    kind: str
    number: int
    sub: int | None = None

    def __str__(self) -> str:
        base = f"{self.kind}-{self.number}"
        return base if self.sub is None else f"{base}.{self.sub}"


def parse_key(text: str) -> Key | None:
    """Parse `a-12`, `D-3`, `O-2.1`; None when it is not a key."""
    m = KEY_RE.match(text.strip().rstrip(".,;:"))
    if not m:
        return None
    return Key(m.group(1).upper(), int(m.group(2)), int(m.group(3)) if m.group(3) else None)


def format_key(kind: str, number: int) -> str:
    """A-12 style."""
    return f"{kind}-{number}"
