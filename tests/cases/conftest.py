"""Fixtures of the investigation register tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

HEADER = (
    "crime_reference,strand,offence_group,victim_age_group,lpa,team,recorded_date,offence_date,outcome_type,"
    "outcome_date,cps_referral_date,cps_decision,cps_decision_date,arrest_date,bail_status,court_outcome,"
    "court_outcome_date,vcop_compliant,vps_offered,flags"
)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv("header", "row", ...)`` → path of a UTF-8 CSV file with those lines."""

    def factory(*lines: str, name: str = "extract.csv", bom: bool = False) -> Path:
        path = tmp_path / name
        text = "\n".join(lines) + "\n"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        return path

    return factory
