"""The demo question sets and learning of the PPU's audit regime (seed 002: monthly audits of RASSO,
Domestic Abuse, Child Abuse, Sex Offender Management and Missing People; thematic audits; the force's
QATT). Plain data, read by ``audits.seed``."""

from __future__ import annotations

from typing import Any

from .choices import AuditArea, LearningKind, LearningTheme

YES_NO: dict[str, Any] = {"answer_scale": "yes_no"}
NO_NA: dict[str, Any] = {"allow_not_applicable": False}


def q(text: str, guidance: str = "", standard: str = "", weight: int = 1, **extra: Any) -> dict[str, Any]:
    return {"text": text, "guidance": guidance, "standard": standard, "weight": weight, **extra}


# area → (code, title, questions)
MONTHLY_SETS: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
    AuditArea.RASSO: (
        "rasso-monthly",
        "RASSO monthly case-file audit",
        [
            q(
                "Victim contacted within 24 hours of the report",
                "First contact recorded with date and time.",
                "Victims' Code right 1",
                2,
                **NO_NA,
            ),
            q(
                "Victim needs assessment completed and Victims' Code (VCOP) entitlements explained",
                "",
                "Victims' Code right 4",
            ),
            q("Referral to an ISVA offered and recorded", "", "Victims' Code right 4"),
            q(
                "Suspect-focused investigation plan recorded (Operation Soteria)",
                "Plan addresses suspect behaviour, not victim credibility.",
                "Operation Soteria pillar 1",
                3,
                **NO_NA,
            ),
            q("Suspect arrested or interviewed without unnecessary delay", "", "APP Investigation"),
            q(
                "Bail with conditions considered before release under investigation",
                "Rationale recorded if RUI.",
                "Police, Crime, Sentencing and Courts Act 2022",
            ),
            q("Bad character and other offending by the suspect considered", "", "Operation Soteria pillar 1"),
            q(
                "Early investigative advice sought from the CPS where appropriate",
                "",
                "Joint National RASSO Action Plan",
            ),
            q("Victim personal statement (VPS) offered", "", "Victims' Code right 7", **YES_NO),
            q(
                "Supervisory review within 7 days and then at least every 28 days",
                "",
                "Force investigation standard",
                2,
                **NO_NA,
            ),
            q(
                "No victim-blaming language in the record",
                "Language matters: no 'alleged victim', 'claims', 'regrets'.",
                "Language matters guidance",
                2,
                **YES_NO,
                **NO_NA,
            ),
            q("Victim updated at each key stage and told of the outcome", "", "Victims' Code right 6"),
        ],
    ),
    AuditArea.DOMESTIC_ABUSE: (
        "domestic-abuse-monthly",
        "Domestic abuse monthly case-file audit",
        [
            q("DASH risk assessment completed at first contact", "", "APP Domestic abuse", 3, **YES_NO, **NO_NA),
            q("Safeguarding referral made (MARAC for high risk)", "", "MARAC protocol", 2),
            q("Referral to an IDVA offered and recorded", "", "Victims' Code right 4"),
            q(
                "Body-worn video and 999 call secured as evidence",
                "Evidence-led prosecution considered.",
                "APP Domestic abuse: evidence-led prosecution",
                2,
            ),
            q("Suspect arrested or outstanding suspect actively pursued", "", "Force DA standard"),
            q("Bail with conditions used rather than release under investigation", "", "Force DA standard"),
            q("DVPN/DVPO considered where no charge", "", "Crime and Security Act 2010"),
            q("Coercive control, stalking and honour-based abuse considered", "", "Serious Crime Act 2015 s.76"),
            q("Victim personal statement (VPS) offered", "", "Victims' Code right 7", **YES_NO),
            q("Supervisory review within 7 days", "", "Force investigation standard", **NO_NA),
        ],
    ),
    AuditArea.CHILD_ABUSE: (
        "child-abuse-monthly",
        "Child abuse monthly case-file audit",
        [
            q(
                "Strategy discussion held with children's social care within 24 hours",
                "",
                "Working Together to Safeguard Children",
                3,
                **NO_NA,
            ),
            q("Child's voice captured and needs recorded (AWARE principles)", "", "AWARE principles", 2),
            q("Achieving Best Evidence (ABE) interview planned and conducted promptly", "", "ABE guidance"),
            q("Suspect-focused investigation plan recorded", "", "Operation Soteria principles in child abuse"),
            q(
                "Digital devices seized and examined, including online and AI-generated imagery",
                "",
                "APP Child sexual exploitation and abuse",
            ),
            q("Other children at risk identified and safeguarded", "", "Working Together to Safeguard Children", 2),
            q("SHPO or Sexual Risk Order considered", "", "Sentencing Act 2020 Part 11"),
            q("Specialist support referral made for the child and family", "", "Victims' Code right 4"),
            q("Supervisory review within 7 days", "", "Force investigation standard", **NO_NA),
            q("No victim-blaming language in the record", "", "Language matters guidance", 2, **YES_NO, **NO_NA),
        ],
    ),
    AuditArea.SEX_OFFENDER_MANAGEMENT: (
        "som-monthly",
        "Sex offender management monthly audit",
        [
            q(
                "Risk assessment (ARMS) completed within the required time",
                "New registrations: within 16 weeks.",
                "APP Management of sexual offenders",
                3,
                **NO_NA,
            ),
            q("Risk management plan recorded on VISOR and reviewed on time", "", "MAPPA guidance", 2, **NO_NA),
            q(
                "Home visits made at the frequency the risk level requires",
                "Very high: every 4 weeks at least.",
                "APP Management of sexual offenders",
                2,
            ),
            q("Notification requirements checked and recorded", "", "Sexual Offences Act 2003 Part 2", **YES_NO),
            q("SHPO/SRO conditions known and policed; breaches crime-recorded", "", "Sentencing Act 2020 Part 11", 2),
            q("Devices checked where the order allows (including AI tools)", "", "SHPO conditions"),
            q("Intelligence and partner information (probation, children's services) shared", "", "MAPPA guidance"),
            q("MAPPA level set and referral made where the risk requires it", "", "MAPPA guidance"),
            q("Victim safety considered and linked to the original OIC where needed", "", "Victims' Code"),
            q("Supervisor review of the case within 3 months", "", "Force SOM standard", **NO_NA),
        ],
    ),
    AuditArea.MISSING_PEOPLE: (
        "missing-people-monthly",
        "Missing people monthly audit",
        [
            q("Risk graded at the first report and the rationale recorded", "", "APP Missing persons", 3, **NO_NA),
            q(
                "Risk grading reviewed by a supervisor within the required time",
                "High risk: within the hour.",
                "APP Missing persons",
                2,
                **NO_NA,
            ),
            q("Initial searches and enquiries proportionate to the risk", "", "APP Missing persons"),
            q("Child exploitation (CSE/CCE) indicators considered and flagged", "", "APP Child sexual exploitation", 2),
            q(
                "Return home interview offered to a child (within 72 hours)",
                "",
                "Statutory guidance on missing children",
            ),
            q("Prevention interview held and information shared with partners", "", "Philomena Protocol"),
            q("Repeat episodes linked and a problem-solving plan considered", "", "APP Missing persons"),
            q("Safe and well check completed on return", "", "APP Missing persons", 2, **YES_NO),
            q(
                "No victim-blaming language about the missing person",
                "Language matters: no 'putting themselves at risk'.",
                "Language matters guidance",
                2,
                **YES_NO,
                **NO_NA,
            ),
        ],
    ),
}

THEMATIC_SET = (
    "thematic-victim-withdrawal-rasso",
    "Thematic audit: victim withdrawal in rape cases",
    [
        q(
            "Reason for withdrawal recorded in the victim's own words",
            "",
            "Home Office counting rules, outcome 16",
            2,
            **NO_NA,
        ),
        q("ISVA involved before the withdrawal was accepted", "", "Victims' Code right 4", 2),
        q("Evidence-led prosecution considered and the decision recorded", "", "Operation Soteria pillar 1", 3),
        q(
            "Supervisor reviewed the withdrawal before the outcome was assigned",
            "",
            "Force investigation standard",
            2,
            **NO_NA,
        ),
        q("Victim told how to re-engage later", "", "Victims' Code right 6", **YES_NO),
        q("Delay contributed to the withdrawal (answer 'not compliant' if so)", "", "Joint National RASSO Action Plan"),
        q("Outcome code matches the record (14 or 16)", "", "Home Office counting rules", **YES_NO, **NO_NA),
    ],
)

QATT_SET = (
    "qatt-vanguard",
    "QATT: Operation Vanguard investigative standards (VAWG)",
    [
        q("Victims' Code needs assessment recorded", "", "Victims' Code right 4", 2, **NO_NA),
        q("Victim updated within the agreed contract", "", "Victims' Code right 6"),
        q("Investigation plan recorded with lines of enquiry", "", "APP Investigation", 2, **NO_NA),
        q("Supervisory review on time", "", "Force investigation standard", **NO_NA),
        q("Outcome appropriate and victim informed", "", "Home Office counting rules"),
        q("VCOP updated on CONNECT", "", "Victims' Code", **YES_NO),
    ],
)

JOINT_DIP_SET = (
    "joint-dip-police-cps",
    "Joint police/CPS dip sample (RASSO)",
    [
        q(
            "The decision was the right one on the evidence available",
            "Closed cases: closing without a referral. Referrals: the CPS decision or request.",
            "Code for Crown Prosecutors, full code test",
            3,
            **NO_NA,
        ),
        q(
            "The decision is consistent with similar cases the panel has seen",
            "",
            "Joint National RASSO Action Plan",
            2,
            **NO_NA,
        ),
        q(
            "The rationale for the decision is recorded clearly",
            "",
            "Director's Guidance on Charging, 6th edition",
            2,
            **NO_NA,
        ),
        q(
            "Early investigative advice was sought where the case needed it",
            "Not applicable when the case did not meet the threshold for early advice.",
            "Director's Guidance on Charging",
        ),
        q(
            "Each request for further information was relevant to the charging decision",
            "Further-evidence requests only.",
            "Joint National RASSO Action Plan: action plans",
            2,
        ),
        q(
            "Each request was proportionate (no more than the decision needed)",
            "Further-evidence requests only.",
            "Joint National RASSO Action Plan: action plans",
            2,
        ),
        q("The victim was told of the decision and their right to review", "", "Victims' Right to Review scheme"),
    ],
)

JOINT_DIP_LEARNING: list[tuple[str, str, str]] = [
    (
        LearningKind.IMPROVEMENT,
        LearningTheme.CPS_FILE,
        "Action plans asked for full downloads of the complainant's phone where a targeted extraction would do.",
    ),
    (
        LearningKind.IMPROVEMENT,
        LearningTheme.INVESTIGATION_PLAN,
        "Cases closed as outcome 15 without a referral although the suspect was identified and the victim "
        "supported action.",
    ),
    (
        LearningKind.GOOD_PRACTICE,
        LearningTheme.CPS_FILE,
        "No-further-action decisions recorded a clear rationale against the full code test.",
    ),
]

LEARNING: dict[str, list[tuple[str, str, str]]] = {
    AuditArea.RASSO: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.INVESTIGATION_PLAN,
            "Investigation plans consistently followed suspect-focused Soteria principles, including prior behaviour.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.SUPERVISION,
            "Supervisory reviews at 28 days were missing in several files.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.VICTIM_CARE,
            "VPS not offered or not recorded as offered before the charging decision.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.BAIL,
            "Release under investigation used without a recorded rationale where conditions were needed.",
        ),
    ],
    AuditArea.DOMESTIC_ABUSE: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.SAFEGUARDING,
            "DASH completed at first contact with timely MARAC referrals for high-risk victims.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.EVIDENCE,
            "Body-worn video not always secured, limiting evidence-led prosecutions.",
        ),
        (LearningKind.IMPROVEMENT, LearningTheme.ORDERS, "DVPN/DVPO not considered in cases closed without charge."),
    ],
    AuditArea.CHILD_ABUSE: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.SAFEGUARDING,
            "Strategy discussions held promptly and other children at risk identified.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.LANGUAGE,
            "Victim-blaming language found in records of older children (e.g. 'putting themselves at risk').",
        ),
        (LearningKind.IMPROVEMENT, LearningTheme.CPS_FILE, "Device examination delays held up CPS early advice."),
    ],
    AuditArea.SEX_OFFENDER_MANAGEMENT: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.ORDERS,
            "SHPO conditions were known to offender managers and breaches were crime-recorded promptly.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.SAFEGUARDING,
            "ARMS assessments overdue for several very-high-risk offenders.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.RECORDING,
            "Home visits made but not recorded on VISOR within 3 days.",
        ),
    ],
    AuditArea.MISSING_PEOPLE: [
        (
            LearningKind.GOOD_PRACTICE,
            LearningTheme.SAFEGUARDING,
            "Exploitation indicators flagged and shared with the CSE team for repeat missing children.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.SUPERVISION,
            "Risk gradings not reviewed by a supervisor within the hour for high-risk reports.",
        ),
        (
            LearningKind.IMPROVEMENT,
            LearningTheme.LANGUAGE,
            "Records described missing children as 'choosing' to go missing.",
        ),
    ],
}

THEMATIC_LEARNING: list[tuple[str, str, str]] = [
    (
        LearningKind.IMPROVEMENT,
        LearningTheme.EVIDENCE,
        "Evidence-led prosecution was rarely considered before a withdrawal was accepted.",
    ),
    (LearningKind.GOOD_PRACTICE, LearningTheme.VICTIM_CARE, "ISVAs were involved early in most withdrawals reviewed."),
]

ACTION_TITLES = {
    LearningTheme.SUPERVISION: "Reissue the supervisory review standard to sergeants",
    LearningTheme.VICTIM_CARE: "Add a VPS prompt to the pre-charge checklist",
    LearningTheme.BAIL: "Brief inspectors on bail versus RUI decision records",
    LearningTheme.EVIDENCE: "Remind response officers to upload body-worn video within 24 hours",
    LearningTheme.ORDERS: "Add DVPN/DVPO consideration to the closure checklist",
    LearningTheme.LANGUAGE: "Deliver 'language matters' CPD to the teams",
    LearningTheme.CPS_FILE: "Agree a priority route for device examination in CSA cases",
    LearningTheme.SAFEGUARDING: "Track overdue risk assessments at the weekly SOM meeting",
    LearningTheme.RECORDING: "Set a 3-day standard for recording visits on VISOR",
}

# Compliance improves over the year (probability of compliant), by area.
START_QUALITY = {
    AuditArea.RASSO: 0.55,
    AuditArea.DOMESTIC_ABUSE: 0.65,
    AuditArea.CHILD_ABUSE: 0.7,
    AuditArea.SEX_OFFENDER_MANAGEMENT: 0.6,
    AuditArea.MISSING_PEOPLE: 0.5,
}
