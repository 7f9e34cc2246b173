# ruff: noqa: E501  (long lines are paragraphs of the source documents)
"""Demo content for the commitments app, taken from the force's progress report to the Commissioner
(VAWG and CSE, Q2 25/26) and the PCC's response to the joint rape inspection (phase two).
"""

from __future__ import annotations

from datetime import date
from typing import Any

PLAN_TITLE = "Police and Crime Plan 2025–2029"
PLAN_START, PLAN_END = date(2025, 4, 1), date(2029, 3, 31)

CHAPTERS = [
    "Preventing and Tackling Violence",
    "Prevention and Rehabilitation",
    "Preventing and Reducing Neighbourhood Crime",
]

# People named by role in the report (names are fictional). key → (email, name, job title, role)
PEOPLE: dict[str, tuple[str, str, str, str]] = {
    "head_ppu": (
        "tony.hopkins@example.org",
        "Tony Hopkins",
        "Detective Chief Superintendent, Head of Public Protection",
        "board_chair",
    ),
    "soteria_dsupt": (
        "dana.whitfield@example.org",
        "Dana Whitfield",
        "Detective Superintendent, Operation Soteria",
        "board_chair",
    ),
    "ppu_supt": ("marcus.bell@example.org", "Marcus Bell", "Superintendent, Public Protection Unit", "board_chair"),
    "lpa_ci": ("aisha.khan@example.org", "Aisha Khan", "Chief Inspector, Local Policing Area", "board_chair"),
    "dcc": ("richard.owens@example.org", "Richard Owens", "Deputy Chief Constable", "board_chair"),
    "ocset_dci": ("owen.carter@example.org", "Owen Carter", "Detective Chief Inspector, OCSET", "commitment_lead"),
    "som_dci": (
        "sarah.doyle@example.org",
        "Sarah Doyle",
        "Detective Chief Inspector, Sex Offender Management",
        "commitment_lead",
    ),
    "child_dsupt": (
        "neil.grant@example.org",
        "Neil Grant",
        "Detective Superintendent, Child Abuse",
        "commitment_lead",
    ),
    "rasso_dci": ("rachel.moss@example.org", "Rachel Moss", "Detective Chief Inspector, RASSO", "commitment_lead"),
    "spiking_dci": (
        "imran.hussain@example.org",
        "Imran Hussain",
        "Detective Chief Inspector, spiking lead (Operation Argon)",
        "commitment_lead",
    ),
}

# name → (chair: "demo_chair" or a PEOPLE key, chair title, cadence, remit strands, description)
BOARDS: dict[str, tuple[str, str, str, list[str], str]] = {
    "Operation Soteria Operations Board": (
        "soteria_dsupt",
        "D/Superintendent for Soteria",
        "monthly",
        ["rasso"],
        "Oversees the force's implementation of Operation Soteria with the Soteria pillar leads; tracks the "
        "NOM implementation plan and the Transformation Plan.",
    ),
    "Vulnerability Improvement Board": (
        "demo_chair",
        "ACC Crime",
        "monthly",
        ["rasso", "domestic_abuse", "cse", "csa", "modern_slavery"],
        "Primary governance for VAWG and vulnerability, chaired by ACC Crime.",
    ),
    "VAWG Steering Group": (
        "ppu_supt",
        "Superintendent, Public Protection Unit",
        "monthly",
        [
            "rasso",
            "domestic_abuse",
            "stalking_harassment",
            "honour_based_abuse",
            "fgm",
            "forced_marriage",
            "sexual_harassment",
            "cse",
            "csa",
            "sex_work",
            "modern_slavery",
        ],
        "Tracks the VAWG strategy and the problem profile's recommendations, with representation from across "
        "the force and the OPCC.",
    ),
    "Safer Spaces sub-group": (
        "lpa_ci",
        "LPA Chief Inspector",
        "bimonthly",
        ["sexual_harassment"],
        "Sub-group of the VAWG Steering Group on safer public spaces and the night-time economy.",
    ),
    "DA Operations Board": (
        "head_ppu",
        "Head of Public Protection",
        "monthly",
        ["domestic_abuse", "honour_based_abuse", "forced_marriage", "stalking_harassment"],
        "Force-wide monthly management of domestic abuse performance.",
    ),
    "Force Performance Panel": (
        "dcc",
        "Deputy Chief Constable",
        "monthly",
        [],
        "Force performance, including the PPU's VAWG strands.",
    ),
}

Q2_NARRATIVES: dict[str, str] = {
    "147": """Online Child Sexual Exploitation Team (OCSET) are a dedicated team which focus solely on addressing this area of offending. In 2025 the department received over 2300 intelligence referrals into the team (most are developed as intelligence rather than recorded as crimes). Enforcement occurs daily and is tracked via the child performance meeting, the monthly PPU performance meeting and has a standing agenda item in the DCC chaired performance day.

WMP do not necessarily differentiate those offences where AI has been used; we understand that this will be a growing trend and OCSET will report on a monthly basis the number of cases they are dealing with. AI created Child Sexual Abuse Material (CSAM) is covered by existing legislation around possession of indecent images of children (IIOC).

There has been a significant increase in demand being placed on the OCSET department due to the linked increase of referrals being received by the National Crime Agency (NCA). In April 2025 this resulted in a temporary uplift in staff to create an additional fourth team, and a permanent uplift of 1 Sergeant and 6 Constables has been agreed. A Multi-Agency Referral Form (MARF) is submitted for all OCSET investigations to ensure a partner agency response.""",
    "148": """OCSET work closely with the NCA and receive the majority of their referrals from them to then develop and enforce against. Meetings are regularly held with the NCA to discuss demand and issues around referrals. OCSET are also represented at quarterly regional meetings with the heads and OCSET leads for WMP, Staffordshire, Warwickshire and West Mercia which promotes joint working.

Work is ongoing with a new ROCU led group which oversees and co-ordinates our response to the growth in COM Network jobs. WMP OCSET officers have visited counterparts in Greater Manchester Police and West Mercia to share expertise and compare approaches.

AWARE training has been delivered across the workforce to ensure that children and their experiences are placed front and centre of all investigations. Bespoke Child Sexual Abuse and Exploitation (CSAE) training is delivered to front-line staff by the PPU senior leadership team.""",
    "149": """Sex Offender Managers (SOMs) manage SHPOs granted through the Courts, are involved with varying SHPOs as circumstances evolve, manage compliance and in some cases apply for a SHPO where this has not been done on conviction. Compliance with SROs will generally be managed by other areas within WMP.

Benchmarking with other forces regionally and within our Most Similar Group (MSG) on live SROs indicates we are not an outlier in terms of volume and are comparable in our MSG.

Compliance with these orders is documented and tracked through VISOR. All granted SHPOs and SROs are on the Police National Computer linked to the relevant individual. All breaches of SHPOs are crime recorded and dealt with dependent upon the nature of the breach.""",
    "256": """All activity is driven by the child protection strategy 2025-2028, which sets out the 4P plan (Pursue, Prevent, Prepare, Protect). This is further underpinned with a 4P CSAE plan, supported by a CSAE threat desk, to drive activity at a Force CSAE meeting.

We have amended many of our systems to enhance our capture of compliance to the victim code of practice (VCOP), the voice of the child (VOTC), our reporting to partners through the child MARF process and our missing debriefs.

Our CSE and group based CSE outcomes continue to improve, with a 22%+ outcome rate within 25/26. This is a significant improvement on 24/25 performance which was under 10%. Training in Pre-Interview Planning and Preparation Assessment (PIPPA) is planned for child officers.""",
    "43": """Soteria has evolved within the Force as the National Operating Model (NOM) has been introduced and the various products embedded. This is reflected in the Op Soteria Transformation plan, which is renewed annually and reflects the feedback from the Operation Soteria Joint Unit (OSJU) at the College of Policing.

The Operation Soteria Operations Board, chaired by the D/Superintendent for Soteria, has oversight of the implementation from each of the Soteria Pillar Leads. The NOM implementation plan and the progress of the Transformation plan are tracked, with a dedicated project manager.

A bespoke frontline officer training programme has been created which includes the NOM RASSO products within a supported learning environment and a SOLO (Sexual Offences Liaison Officer) course.""",
    "46": """Engagement with night-time economy venues, primarily licensed premises, is led by the Local Policing Area Neighbourhood Teams and their Police Alcohol Licensing Officers (PALOs). The Ask for Angela scheme is well-embedded across venues and anti-spiking measures are available in many venues.

There is a spiking lead, an LPA DCI, who runs Operation Argon, the force's response to spiking incidents, with a network of SPOCs across the force.

Where incidences of spiking or upskirting are reported the PALOs will speak to the venue to understand how it happened, debrief the incident and gather learning. On NTE deployments there is a street briefing on Friday and Saturday evenings held jointly between police, venues and street-wardens.""",
    "47": """Sex workers who report incidents of harm or exploitation will be supported through the National Referral Mechanism (NRM). Support is also given through the relevant local authority and the Salvation Army, and WMP is well supported by National Ugly Mugs.

Operation Plazari is an intelligence-led collaboration between front-line proactive officers and specialist safeguarding partners, focused on the identification and arrest of seriously high-harm risk offenders.

Sandstar 1 is a Wolverhampton pilot initiative targeting indoor sex work locations to safeguard sex workers from harm and exploitation and to avoid unnecessary criminalisation; officers attend visits alongside staff from Black Country Women's Aid.""",
    "34": """West Midlands Police has an existing Violence Against Women and Girls Strategy for 2024-2027 covering the response to the 11 strands of VAWG, each with its own lead officer and delivery plan. An interim review is being conducted to ensure WMP's missions align to the Government Strategy.

The focus of operational activity has been in three key areas: Creating Safer Public Spaces, Tackling Perpetrators and Improving Public Confidence. The HearHer Network has been established by Women in Policing; the first event in July 2025 saw approximately 60 women and girls come together to shape the force response to VAWG.

Governance for VAWG is primarily delivered through the Vulnerability Improvement Board (chaired by ACC Crime) and the VAWG Steering Group, with a Safer Spaces sub-group.""",
    "38": """Operation Vanguard was launched to improve the standards across all investigations, including VAWG investigations, with a focus on victim care, compliance with the Victims Code of Practice and management of investigations. VAWG offences form part of the monthly Quality Assurance Thematic Testing (QATT) regime.

The PPU has a rigorous audit regime with monthly audits across RASSO, Domestic Abuse, Child Abuse, Sex Offender Management and Missing People, and regular thematic audits.

Domestic Abuse has seen the force's highest levels of positive outcomes, managed through the monthly DA Operations Board. The rape positive outcome rate has risen from about 6% in 2024/25 to about 11% in 2025/26.""",
    "39": """Many of the VAWG areas of business are dealt with by the Public Protection Unit and a Superintendent leads specifically on vulnerability as our VAWG lead. Monthly performance takes place within the Domestic Abuse portfolio to manage honour-based abuse and forced marriage; the Child portfolio leads on female genital mutilation.

Cases are given key words or flags to ensure visibility in investigation management. Stalking cases can be taken to a stalking triage through the dedicated stalking team who will support cases through to SPO application.

Specialist safeguarding officers review all high-risk cases and support activity through a multi-agency approach, an IDVA or the MARAC process.""",
}

# action ref, chapter index, exact annex text, lead (PEOPLE key or "demo_lead"), board, strands,
# published ratings for the eight quarters 2023-24-Q3 … 2025-26-Q2 (G/A/R; later complete quarters
# keep the last one), then the state of the quarter in progress (today's).
COMMITMENTS: list[tuple[str, int, str, str, str, list[str], str, tuple[str, str, str] | None]] = [
    (
        "147",
        0,
        "Ensure effective prevention of and enforcement against online child sexual abuse, such as online sexual "
        "extortion and the sharing and storage of abusive images, including those generated by artificial "
        "intelligence.",
        "ocset_dci",
        "Vulnerability Improvement Board",
        ["csa", "cse"],
        "AAGGGGGG",
        ("proposed", "GREEN", ""),
    ),
    (
        "148",
        0,
        "WMP will work closely with the West Midlands Regional Organised Crime Unit and the National Crime Agency "
        "and other partners to address these (online child sexual abuse, such as online sexual extortion and the "
        "sharing and storage of abusive images) threats.",
        "ocset_dci",
        "Vulnerability Improvement Board",
        ["csa", "cse"],
        "GGGGGGGG",
        ("proposed", "GREEN", ""),
    ),
    (
        "149",
        1,
        "Sexual Harm Prevention Orders and Sexual Risk Orders used to address online crimes, including child "
        "abuse, child pornography, and revenge pornography.",
        "som_dci",
        "Vulnerability Improvement Board",
        ["rasso", "csa"],
        "AAAGGGGG",
        ("endorsed", "GREEN", "Benchmarking against the MSG supports the rating."),
    ),
    (
        "256",
        0,
        "WMP to focus on bringing child sexual abuse and exploitation offenders to justice, while safeguarding "
        "and supporting victims.",
        "child_dsupt",
        "Vulnerability Improvement Board",
        ["cse", "csa"],
        "RAAAAAAA",
        ("proposed", "AMBER", ""),
    ),
    (
        "43",
        0,
        "Continued implementation of Operation Soteria",
        "rasso_dci",
        "Operation Soteria Operations Board",
        ["rasso"],
        "AAAAGGGG",
        ("endorsed", "GREEN", "Transformation Plan on track for approval by April 2026."),
    ),
    (
        "46",
        2,
        "Support action by police and partners to prevent and reduce spiking, upskirting and other harms in the "
        "night-time economy",
        "spiking_dci",
        "Safer Spaces sub-group",
        ["sexual_harassment"],
        "GGAGGGGG",
        None,
    ),
    (
        "47",
        2,
        "Work with police and partners to safeguard sex workers.",
        "demo_lead",
        "VAWG Steering Group",
        ["sex_work", "modern_slavery"],
        "AGGGGGGG",
        None,
    ),
    (
        "34",
        0,
        "WMP will support the national mission to halve VAWG in a decade",
        "demo_lead",
        "VAWG Steering Group",
        [],
        "GGGGGGGG",
        ("endorsed", "GREEN", "Interim strategy review under way; Winter of Action delivered."),
    ),
    (
        "38",
        0,
        "Positive outcome rates for VAWG crimes to increase",
        "demo_lead",
        "Vulnerability Improvement Board",
        ["rasso", "domestic_abuse", "stalking_harassment"],
        "RRAAAAGG",
        ("proposed", "GREEN", ""),
    ),
    (
        "39",
        0,
        "Police and partners will tackle all forms of VAWG, including hidden harms such as female genital "
        "mutilation, so called ‘honour-based’ abuse, forced marriage, coercive control and stalking, ensuring "
        "criminals are brought to justice and victims and survivors receive the care and support they need.",
        "demo_lead",
        "DA Operations Board",
        ["fgm", "honour_based_abuse", "forced_marriage", "domestic_abuse", "stalking_harassment"],
        "AAGGGAGG",
        ("challenged", "GREEN", "The DA profile is not yet published: evidence the HBA and FGM activity first."),
    ),
]

# The quarters of the annex's history; quarters after them up to the last complete one are
# published with each commitment's last rating, and today's quarter is in progress.
HISTORY_QUARTERS = [
    "2023-24-Q3",
    "2023-24-Q4",
    "2024-25-Q1",
    "2024-25-Q2",
    "2024-25-Q3",
    "2024-25-Q4",
    "2025-26-Q1",
    "2025-26-Q2",
]

# Indicators by action ref: (name, metric, KPI filters, baseline financial year, target, direction,
# linked audit areas, linked board actions by description). The baseline value is computed from the
# register by the KPI engine; the register is calibrated so that these agree with the narratives and
# ratings (cases/seed.py): every published Green quarter is on target.
INDICATORS: dict[str, list[tuple[str, str, dict[str, str], str, str, str, list[str], list[str]]]] = {
    "147": [
        (
            "Online child sexual abuse positive outcome rate",
            "positive_outcome_rate",
            {"offence_group": "online_csa"},
            "2024-25",
            "20",
            "higher",
            [],
            ["Recruit the permanent OCSET uplift (1 Sergeant, 6 Constables)."],
        )
    ],
    "256": [
        (
            "CSE positive outcome rate",
            "positive_outcome_rate",
            {"strand": "cse"},
            "2024-25",
            "22",
            "higher",
            ["child_abuse"],
            [
                "Report CSE outcome rates by quarter to the next board.",
                "Confirm PIPPA training numbers for child officers.",
                "Present the CSE outcome trend for the year to date.",
            ],
        )
    ],
    "38": [
        (
            "Rape positive outcome rate",
            "positive_outcome_rate",
            {"offence_group": "rape"},
            "2024-25",
            "10",
            "higher",
            ["rasso"],
            [],
        ),
        (
            "Domestic abuse positive outcome rate",
            "positive_outcome_rate",
            {"strand": "domestic_abuse"},
            "2024-25",
            "15",
            "higher",
            ["domestic_abuse"],
            [],
        ),
    ],
    # the force's published adult rape victim withdrawal, 74.9 % then 75.0 % (seed 004): the target is
    # to keep it at or under three quarters; the register is above it until 2024/25 Q3 (Amber), then under
    "43": [
        (
            "Adult rape victim withdrawal (% of outcomes)",
            "victim_withdrawal_pct",
            {"offence_group": "rape", "victim_age_group": "adult"},
            "2024-25",
            "75",
            "lower",
            ["rasso"],
            [],
        )
    ],
    "39": [
        (
            "Stalking and harassment positive outcome rate",
            "positive_outcome_rate",
            {"strand": "stalking_harassment"},
            "2024-25",
            "12",
            "higher",
            ["domestic_abuse"],
            [],
        )
    ],
}

# A meeting in the quarter in progress (its date: two weeks into the quarter, or today if sooner),
# with an action due after today: board, commitments reviewed, minutes, decisions,
# [(action, owner, days after the meeting it is due)].
CURRENT_MEETING: tuple[str, list[str], str, str, list[tuple[str, str, int]]] = (
    "Vulnerability Improvement Board",
    ["256", "38"],
    "Quarter in progress: CSE and rape positive outcome rates reviewed against their targets.",
    "Keep 256 Amber until the improvement is sustained for a full year.",
    [("Present the CSE outcome trend for the year to date.", "child_dsupt", 60)],
)

MEETINGS: list[tuple[str, date, list[str], str, str, list[tuple[str, str, date, str]]]] = [
    (
        "Vulnerability Improvement Board",
        date(2025, 10, 14),
        ["147", "148", "149", "256"],
        "Q2 25/26 progress reviewed for the CSAE and online child abuse commitments. OCSET demand continues to "
        "rise with NCA referrals; the permanent uplift has been agreed.",
        "Endorse Green for 147, 148 and 149. Endorse Amber for 256 pending PIPPA training and outcome data.",
        [
            ("Report CSE outcome rates by quarter to the next board.", "child_dsupt", date(2025, 11, 30), "completed"),
            (
                "Recruit the permanent OCSET uplift (1 Sergeant, 6 Constables).",
                "ocset_dci",
                date(2026, 3, 31),
                "in_progress",
            ),
        ],
    ),
    (
        "Vulnerability Improvement Board",
        date(2025, 11, 11),
        ["256"],
        "CSE and group-based CSE outcome rate above 22% in 25/26. PIPPA training scheduled for January 2026.",
        "Keep 256 under monthly review.",
        [("Confirm PIPPA training numbers for child officers.", "child_dsupt", date(2026, 1, 31), "open")],
    ),
    (
        "Operation Soteria Operations Board",
        date(2025, 11, 5),
        ["43"],
        "Pillar leads reported on the NOM implementation plan. The Transformation Plan approval moves to April "
        "2026 to align with the specialist RASSO teams requirement.",
        "Align the specialist rape and sexual offences team project with the Transformation Plan.",
        [("Book the remaining SOLO courses for front-line staff.", "rasso_dci", date(2026, 4, 30), "in_progress")],
    ),
    (
        "VAWG Steering Group",
        date(2025, 10, 21),
        ["34", "47"],
        "Problem profile recommendations tracked. Winter of Action plans agreed across LPAs.",
        "Commission the VAWG Business Insights Application.",
        [("Draft the refreshed VAWG delivery plan.", "demo_lead", date(2026, 2, 28), "open")],
    ),
    (
        "DA Operations Board",
        date(2025, 11, 12),
        ["39"],
        "Highest quarterly number of DA positive outcomes to date.",
        "Overlay ethnicity data on the DA profile with local authority data.",
        [("Publish the DA profile.", "head_ppu", date(2026, 1, 15), "open")],
    ),
]

INSPECTION_REPORT = (
    "A joint thematic inspection of the police and Crown Prosecution Service’s response to rape – "
    "Phase two: Post-charge"
)
INSPECTION_DATE = date(2022, 2, 25)
# The PCC's published response (the seed's letter), within the 56-day deadline of 22 April 2022.
PCC_RESPONSE_DATE = date(2022, 4, 20)
PCC_RESPONSE = (
    "On 25th February 2022, HMICFRS published an inspection report on phase two of the police and Crown "
    "Prosecution Service's response to rape, following on from phase one of their inspection for which WMP were "
    "part of the six forces visited.\n\n"
    "Rightfully, victims should not have to wait years for a court date, experience multiple adjournments, and then "
    "report that the process is worse than the offence. My police and crime plan puts domestic abuse and violence "
    "against women and girls as a top three priority.\n\n"
    "The report outlined three recommendations which related to police forces; the force's response to each is "
    "tracked with its owner, due date and evidence.\n\n"
    "Simon Foster, West Midlands Police and Crime Commissioner"
)
RECOMMENDATIONS: list[tuple[int, str, str, str]] = [
    (
        1,
        "Immediately, police and prosecutors should review and significantly improve communications with "
        "victims from the point of charge onwards",
        "The force has implemented a quarterly voice of the victim forum attended by specialist victim services, "
        "and the RASSO Adult Complex survey assesses victim contact including contact plans. The CPS Gatekeeper "
        "role was uplifted in 2021/22 to review all RASSO cases, and a CPS Prosecutor has piloted working from a "
        "police station one day a week to give early investigative advice.",
        "in_progress",
    ),
    (
        8,
        "Immediately, the police and the CPS should work collaboratively to ensure that bad character is "
        "considered in all rape cases, and progressed wherever it is applicable",
        "Training on bad character references sections 98-113 of the Criminal Justice Act 2003. Through Op "
        "Soteria the move from a victim focused to a suspect focused investigation enhances the need to work "
        "collaboratively to enable consideration of bad character evidence where appropriate.",
        "implemented",
    ),
    (
        9,
        "Immediately, forces should make sure that victims of rape are given the opportunity to make a victim "
        "personal statement (VPS) at the earliest possible time, with the option of updating this statement "
        "closer to the court trial date.",
        "The force recognises that more work needs to be done to improve the awareness and use of VPS. An "
        "improvement plan was implemented with Victim Support, the PCC and other agencies, and a go-to guide "
        "helps officers explain the VPS to victims on their mobile devices.",
        "in_progress",
    ),
]


# The tracker: number → (owner: PEOPLE key or "demo_lead", days from today to the due date,
# linked action refs, evidence update (days before today, text)).
TRACKER: dict[int, tuple[str, int, list[str], tuple[int, str]]] = {
    1: (
        "rasso_dci",
        90,
        ["43", "39"],
        (
            21,
            "Voice of the victim forum held for the quarter with specialist victim services; the RASSO Adult "
            "Complex survey results on contact plans are being analysed with the CPS.",
        ),
    ),
    8: (
        "soteria_dsupt",
        -30,
        ["43"],
        (
            40,
            "Bad character is now a mandatory heading of the suspect-focused investigation plan; a dip sample "
            "of rape files found it considered in every applicable case. Training records attached to the board "
            "minutes.",
        ),
    ),
    9: (
        "demo_lead",
        -14,
        ["38"],
        (
            35,
            "Go-to guide on the Victim Personal Statement issued to officers' mobile devices; a refresher for "
            "RASSO investigators is being planned with Victim Support.",
        ),
    ),
}

# Scrutiny queries: (subject: ("commitment", action ref) / ("board", name) / ("kpi", metric, filters, quarter),
# owner (None: the default owner; else a PEOPLE key or "demo_lead"/"demo_chair"), question,
# days from today to the due date, status, the owner's response, the OPCC's comment).
QUERIES: list[tuple[tuple[Any, ...], str | None, str, int, str, str, str]] = [
    (
        ("commitment", "38"),
        None,
        "Which strands drove the change in the VAWG positive outcome rate this quarter, and what is the plan for "
        "stalking and harassment, where the rate has not moved?",
        -5,
        "open",
        "",
        "",
    ),
    (
        ("commitment", "256"),
        None,
        "The update says CSE positive outcomes reached 22%+ in 2025/26. Which outcomes and which period does that "
        "figure count, so the OPCC can reconcile it with the KPI for the CSE strand?",
        10,
        "answered",
        "The figure counts charge/summons and out-of-court outcomes for CSE and group-based CSE offences recorded "
        "in the financial year to date. We will report it on the same basis as the KPI from next quarter.",
        "",
    ),
    (
        ("board", "Vulnerability Improvement Board"),
        None,
        "When will the board's action to refresh the SHPO and SRO guidance be complete, and who signs it off?",
        21,
        "open",
        "",
        "",
    ),
    (
        ("kpi", "positive_outcome_rate", {"strand": "rasso"}, "2025-26-Q2"),
        "head_ppu",
        "The RASSO positive outcome rate for Q2 25/26 is below the same quarter last year: what explains it?",
        -20,
        "closed",
        "Two complex multi-victim investigations finalised with charges in Q3 rather than Q2; the rolling 12-month "
        "rate is still improving.",
        "Answer accepted: we will look at the rolling rate at the next scrutiny meeting.",
    ),
]
