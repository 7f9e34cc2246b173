"""Fixtures of the commitments tests: a commitment with its lead, board chair and an OPCC officer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from commitments.models import Commitment
from oversight.roles import Role
from tests.commitments.factories import BoardFactory, CommitmentFactory


@dataclass
class Cast:
    lead: Any
    chair: Any
    opcc: Any
    commitment: Commitment


@pytest.fixture
def cast(make_user: Any) -> Cast:
    """A commitment led by ``lead`` and overseen by a board ``chair`` chairs, plus an OPCC officer."""
    lead = make_user(Role.COMMITMENT_LEAD, full_name="Lena Lead")
    chair = make_user(Role.BOARD_CHAIR, full_name="Carl Chair")
    opcc = make_user(Role.OPCC_SCRUTINY, full_name="Olive Opcc")
    board = BoardFactory(name="Vulnerability Improvement Board", chair=chair)
    commitment = CommitmentFactory(action_ref="147", lead=lead, board=board, order=1)
    return Cast(lead=lead, chair=chair, opcc=opcc, commitment=commitment)
