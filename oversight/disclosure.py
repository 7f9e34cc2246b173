"""Statistical disclosure control: the one rule for small groups in breakdowns by personal characteristics.

A breakdown by sex, age band or ethnicity can single a person out when a group is small. Users who may
not see investigations (the OPCC) see a group of fewer than :data:`SMALL_GROUP` investigations as
"fewer than 10", with no count and no rate; roles that may see the investigations themselves see
every group in full. Pages, the API and downloads all decide with :func:`suppressed`.
"""

from __future__ import annotations

from typing import Any

from .roles import Cap, has_capability

SMALL_GROUP = 10
FEWER_THAN = f"fewer than {SMALL_GROUP}"


def sees_small_groups(user: Any) -> bool:
    """Whether ``user`` sees small groups in full (roles that may see the investigations behind them)."""
    return has_capability(user, Cap.INVESTIGATIONS_VIEW)


def suppressed(investigations: int, *, full: bool) -> bool:
    """Whether a group of ``investigations`` is withheld ("fewer than 10") from a reader; ``full`` for
    readers who see small groups (:func:`sees_small_groups`)."""
    return not full and investigations < SMALL_GROUP
