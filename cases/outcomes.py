"""Home Office crime outcome types and the sets the KPIs use (DESIGN.md §3)."""

from django.db import models


class OutcomeType(models.TextChoices):
    CHARGED = "1", "1 Charged/summonsed"
    CHARGED_ALTERNATIVE = "1A", "1A Charged/summonsed – alternative offence"
    CAUTION_YOUTH = "2", "2 Caution – youth"
    CAUTION_ADULT = "3", "3 Caution – adult"
    TIC = "4", "4 Taken into consideration"
    OFFENDER_DIED = "5", "5 Offender died"
    PND = "6", "6 Penalty notice for disorder"
    CANNABIS_KHAT_WARNING = "7", "7 Cannabis/khat warning"
    COMMUNITY_RESOLUTION = "8", "8 Community resolution"
    NOT_IN_PUBLIC_INTEREST_CPS = "9", "9 Prosecution not in the public interest (CPS)"
    NOT_IN_PUBLIC_INTEREST_POLICE = "10", "10 Formal action not in the public interest (police)"
    PREVENTED_UNDER_AGE = "11", "11 Prosecution prevented – suspect under age"
    PREVENTED_SUSPECT_ILL = "12", "12 Prosecution prevented – suspect too ill"
    PREVENTED_VICTIM_ILL = "13", "13 Prosecution prevented – victim or key witness dead or too ill"
    EVIDENTIAL_NO_SUSPECT_ID_NO_SUPPORT = (
        "14",
        ("14 Evidential difficulties – suspect not identified, victim does not support"),
    )
    EVIDENTIAL_VICTIM_SUPPORTS = "15", "15 Evidential difficulties – suspect identified, victim supports action"
    EVIDENTIAL_VICTIM_NO_SUPPORT = "16", "16 Evidential difficulties – victim does not support (or withdraws support)"
    TIME_LIMIT_EXPIRED = "17", "17 Prosecution time limit expired"
    NO_SUSPECT_IDENTIFIED = "18", "18 Investigation complete – no suspect identified"
    ANOTHER_BODY = "20", "20 Action by another body"
    FURTHER_INVESTIGATION_NOT_IN_PUBLIC_INTEREST = "21", "21 Further investigation not in the public interest"
    DIVERSIONARY = "22", "22 Diversionary, educational or intervention activity"


CHARGED = frozenset({"1", "1A"})
POSITIVE = frozenset({"1", "1A", "2", "3", "4", "6", "7", "8"})
VICTIM_WITHDRAWAL = frozenset({"14", "16"})
# Outcomes that record no suspect identified: an arrest or a CPS referral contradicts them.
SUSPECT_NOT_IDENTIFIED = frozenset({"14", "18"})

# Home Office outcome groups for breakdown charts, in display order.
# (key, label, codes); ``None`` codes = no outcome yet.
OUTCOME_GROUPS: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("charged", "Charged/summonsed", frozenset({"1", "1A"})),
    ("ooc_formal", "Out-of-court (formal)", frozenset({"2", "3", "6"})),
    ("ooc_informal", "Out-of-court (informal)", frozenset({"7", "8"})),
    ("tic", "Taken into consideration", frozenset({"4"})),
    ("diversionary", "Diversionary", frozenset({"22"})),
    ("evidential_victim_supports", "Evidential difficulties: victim supports", frozenset({"15"})),
    ("evidential_victim_no_support", "Evidential difficulties: victim does not support", frozenset({"14", "16"})),
    ("prevented", "Prevented / not in the public interest", frozenset({"5", "9", "10", "11", "12", "13", "17"})),
    ("further_investigation_npi", "Further investigation not in the public interest", frozenset({"21"})),
    ("another_body", "Action by another body", frozenset({"20"})),
    ("no_suspect", "No suspect identified", frozenset({"18"})),
    ("open", "Not yet assigned", None),
)


def outcome_group(code: str | None) -> str:
    """The outcome-group key of an outcome code (``open`` when blank)."""
    for key, _label, codes in OUTCOME_GROUPS:
        if codes is not None and code in codes:
            return key
    return "open"
