"""Import profiles: a records-system export's columns and codes mapped onto the register's CSV columns.

The mapping itself is applied by :class:`cases.importer.ProfilePlan`; here are its rules
(:func:`profile_errors`), the text form the profile page edits (:func:`value_lines`,
:func:`parse_value_lines`) and the demo profile for the sample export shipped with the tests
(``tests/cases/data/records_system_export.csv``), which ``seed_demo`` creates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .importer import ALL_COLUMNS, CHOICE_COLUMNS, KNOWN, REQUIRED, YES_NO_COLUMNS, strptime_format
from .models import ImportProfile, reference_key

VALUE_SEPARATOR = "|"


def profile_errors(*, columns: Any, values: Any, ignored: Any, date_format: str) -> dict[str, list[str]]:
    """Field → messages for a profile that would not work: a register column that does not exist, a
    source column both mapped and ignored, a required column with no source, a value mapped to a code
    the register does not know, a date format without day, month and year."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(columns, list) or not all(
        isinstance(e, dict) and isinstance(e.get("source"), str) and isinstance(e.get("field"), str) for e in columns
    ):
        add("columns", 'write the columns as a list of {"source": "…", "field": "…"}')
        columns = []
    if not isinstance(values, dict) or not all(
        isinstance(m, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in m.items())
        for m in values.values()
    ):
        add("values", 'write the value mappings as {"register column": {"value in the export": "code"}}')
        values = {}
    if not isinstance(ignored, list) or not all(isinstance(name, str) for name in ignored):
        add("ignored", "write the columns to ignore as a list of names")
        ignored = []

    mapped_sources = {reference_key(entry["source"]) for entry in columns}
    targets = {reference_key(entry["field"]) for entry in columns}
    for entry in columns:
        if reference_key(entry["field"]) not in KNOWN:
            add("columns", f"'{entry['field']}' is not a register column")
        if not reference_key(entry["source"]):
            add("columns", f"the register column {entry['field']} has an empty source name")
    for name in ignored:
        if reference_key(name) in mapped_sources:
            add("ignored", f"'{name}' is both mapped and ignored")
    missing = [c for c in REQUIRED if c not in targets]
    if missing and columns:
        add("columns", f"no source column for {', '.join(missing)} (the file may still name them as the register does)")
    for field_name, mapping in values.items():
        key = reference_key(field_name)
        if key not in KNOWN:
            add("values", f"'{field_name}' is not a register column")
            continue
        allowed = CHOICE_COLUMNS.get(key) or (("yes", "no", "") if key in YES_NO_COLUMNS else None)
        for source, code in mapping.items():
            if allowed is not None and code not in allowed:
                add("values", f"{field_name}: '{source}' is mapped to '{code}', which is not a code of {field_name}")
    if date_format.strip():
        pattern = strptime_format(date_format)
        if not all(part in pattern for part in ("%d", "%m")) or not ("%Y" in pattern or "%y" in pattern):
            add("date_format", f"'{date_format}' needs DD, MM and YYYY (or YY)")
    return errors


def value_lines(values: dict[str, dict[str, str]]) -> str:
    """The value mappings as the page edits them: ``field | source value | code``, one a line."""
    return "\n".join(
        f"{field_name} {VALUE_SEPARATOR} {source} {VALUE_SEPARATOR} {code}"
        for field_name, mapping in values.items()
        for source, code in mapping.items()
    )


def parse_value_lines(text: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """``field | source value | code`` lines → mappings, and a message per line that is not of that shape."""
    values: dict[str, dict[str, str]] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(VALUE_SEPARATOR)]
        if len(parts) != 3 or not parts[0] or not parts[1]:
            problems.append(f"line {number}: write it as register column | value in the export | code")
            continue
        values.setdefault(parts[0].lower(), {})[parts[1]] = parts[2]
    return values, problems


def column_entries(sources: dict[str, str]) -> list[dict[str, str]]:
    """Register column → source names (several separated by ``;``) as the profile stores them."""
    entries = []
    for field_name in ALL_COLUMNS:
        for source in (sources.get(field_name) or "").split(";"):
            if source.strip():
                entries.append({"source": source.strip(), "field": field_name})
    return entries


def sources_by_field(profile: ImportProfile) -> dict[str, str]:
    """The reverse of :func:`column_entries`, for the page's form."""
    result: dict[str, list[str]] = {}
    for entry in profile.columns:
        result.setdefault(entry["field"], []).append(entry["source"])
    return {name: "; ".join(sources) for name, sources in result.items()}


def lines(items: Iterable[str]) -> str:
    return "\n".join(items)


# --- the demo profile, for the sample export in tests/cases/data/ -----------------------------

YES_NO = {"Y": "yes", "N": "no", "Yes": "yes", "No": "no", "U": ""}
SEX = {"F": "female", "M": "male", "X": "other", "U": "unknown"}
# The 18+1 self-defined ethnicity codes police systems record, onto the 2021 census groups.
ETHNICITY = {
    "A1": "asian_indian",
    "A2": "asian_pakistani",
    "A3": "asian_bangladeshi",
    "A4": "asian_chinese",
    "A9": "asian_other",
    "B1": "black_caribbean",
    "B2": "black_african",
    "B9": "black_other",
    "M1": "mixed_white_black_caribbean",
    "M2": "mixed_white_black_african",
    "M3": "mixed_white_asian",
    "M9": "mixed_other",
    "O2": "other_arab",
    "O9": "other_any",
    "W1": "white_british",
    "W2": "white_irish",
    "W3": "white_gypsy_traveller",
    "W4": "white_roma",
    "W9": "white_other",
    "NS": "not_stated",
}
SAMPLE_PROFILE: dict[str, Any] = {
    "name": "rms-crime-export",
    "source": "Records-system crime export (the layout of tests/cases/data/records_system_export.csv)",
    "date_format": "DD/MM/YYYY",
    "columns": {
        "crime_reference": "Crime Number",
        "strand": "PPU Category",
        "offence_group": "Offence Description",
        "ho_offence_code": "HO Class",
        "recorded_date": "Date Recorded",
        "reported_date": "Date Reported",
        "offence_date": "Committed From",
        "lpa": "NPT Area",
        "team": "OIC Unit",
        "da_flag": "DA Flag",
        "victim_id": "Victim Person ID",
        "victim_sex": "Victim Gender",
        "victim_age": "Victim Age at Offence",
        "victim_ethnicity": "Victim Self Defined Ethnicity",
        "suspect_id": "Suspect Person ID",
        "suspect_sex": "Suspect Gender",
        "suspect_age": "Suspect Age at Offence",
        "suspect_ethnicity": "Suspect Self Defined Ethnicity",
        "relationship": "Victim Suspect Relationship",
        "suspect_status": "Suspect Status",
        "arrest_date": "Arrest Date",
        "bail_status": "Bail Type",
        "bail_start_date": "Bail Start Date",
        "bail_expiry_date": "Bail Return Date",
        "rui_start_date": "RUI Start Date",
        "outcome_type": "Outcome Code",
        "outcome_date": "Outcome Date",
        "withdrawal_reason": "Victim Withdrawal Reason",
        "evidence_led_considered": "Evidence Led Prosecution Considered",
        "cps_referral_date": "CPS Referral Date",
        "cps_decision": "CPS Decision",
        "cps_decision_date": "CPS Decision Date",
        "cps_file_submitted_date": "MG3 Submitted Date",
        "cps_action_plans": "CPS Action Plans",
        "first_hearing_date": "First Hearing Date",
        "trial_date": "Trial Date",
        "court_outcome": "Court Result",
        "court_outcome_date": "Court Result Date",
        "sentence_date": "Sentence Date",
        "vcop_compliant": "VCOP Compliant",
        "vps_offered": "VPS Offered",
        "advocate_referral": "ISVA IDVA Referral",
    },
    "values": {
        "strand": {
            "Rape & Serious Sexual Offences": "rasso",
            "Domestic Abuse": "domestic_abuse",
            "Stalking & Harassment": "stalking_harassment",
            "Child Sexual Abuse": "csa",
            "Child Sexual Exploitation": "cse",
            "Honour Based Abuse": "honour_based_abuse",
        },
        "offence_group": {
            "Rape of a female aged 16 or over": "rape",
            "Rape of a female child under 16": "rape",
            "Rape of a male aged 16 or over": "rape",
            "Sexual assault on a female aged 13 or over": "other_sexual",
            "Assault with injury": "violence",
            "Assault without injury": "violence",
            "Controlling or coercive behaviour": "coercive_control",
            "Stalking": "stalking",
            "Harassment": "harassment",
            "Sexual grooming": "other_sexual",
        },
        "team": {
            "PPU RASSO": "rasso",
            "PPU Domestic Abuse": "domestic_abuse",
            "PPU Child Abuse": "child_abuse",
            "LPA CID": "lpa_investigations",
            "OCSET": "ocset",
        },
        "da_flag": YES_NO,
        "evidence_led_considered": YES_NO,
        "vcop_compliant": YES_NO,
        "vps_offered": YES_NO,
        "advocate_referral": YES_NO,
        "victim_sex": SEX,
        "suspect_sex": SEX,
        "victim_ethnicity": ETHNICITY,
        "suspect_ethnicity": ETHNICITY,
        "relationship": {
            "Partner": "partner",
            "Ex-Partner": "ex_partner",
            "Family Member": "family",
            "Acquaintance": "acquaintance",
            "Stranger": "stranger",
            "Not Known": "unknown",
        },
        "suspect_status": {
            "Not Identified": "not_identified",
            "Identified": "identified",
            "Arrested": "arrested",
            "Interviewed": "interviewed",
            "Circulated Wanted": "wanted",
            "Charged": "charged",
        },
        "bail_status": {"Pre-Charge Bail": "bail", "Released Under Investigation": "rui", "No Bail": "none"},
        "withdrawal_reason": {
            "Fear of Reprisal": "fear_of_reprisal",
            "Reconciled with Suspect": "relationship_resumed",
            "Investigation Length": "investigation_length",
            "Intrusive Process": "intrusive_process",
            "Wants Safeguarding Only": "safeguarding_only",
            "Other": "other",
        },
        "cps_decision": {
            "Charge": "charge",
            "NFA": "nfa",
            "Action Plan": "further_evidence",
            "Early Advice": "advice",
        },
        "court_outcome": {"Guilty": "convicted", "Not Guilty": "acquitted", "Discontinued": "discontinued"},
    },
    "ignored": [
        "Occurrence Number",
        "Committed To",
        "HO Sub Class",
        "Victim Age Category",
        "Victim Officer Defined Ethnicity",
        "Suspect Officer Defined Ethnicity",
        "Beat Code",
        "OIC Collar Number",
        "Qualifiers",
        "MO Summary",
        "Last Updated",
    ],
}


def sample_profile_fields() -> dict[str, Any]:
    """The demo profile as model field values."""
    return {
        "source": SAMPLE_PROFILE["source"],
        "date_format": SAMPLE_PROFILE["date_format"],
        "columns": column_entries(SAMPLE_PROFILE["columns"]),
        "values": SAMPLE_PROFILE["values"],
        "ignored": list(SAMPLE_PROFILE["ignored"]),
    }
