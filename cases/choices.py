"""Fixed code lists of the investigation register (DESIGN.md §2)."""

from django.db import models


class Strand(models.TextChoices):
    RASSO = "rasso", "Rape and serious sexual offences"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    STALKING_HARASSMENT = "stalking_harassment", "Stalking and harassment"
    HONOUR_BASED_ABUSE = "honour_based_abuse", "Honour-based abuse"
    FGM = "fgm", "Female genital mutilation"
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage"
    SEXUAL_HARASSMENT = "sexual_harassment", "Sexual harassment"
    CSE = "cse", "Child sexual exploitation"
    CSA = "csa", "Child sexual abuse"
    SEX_WORK = "sex_work", "Sex work and prostitution"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery and human trafficking"


class OffenceGroup(models.TextChoices):
    RAPE = "rape", "Rape"
    OTHER_SEXUAL = "other_sexual", "Other sexual offences"
    VIOLENCE = "violence", "Violence"
    STALKING = "stalking", "Stalking"
    HARASSMENT = "harassment", "Harassment"
    COERCIVE_CONTROL = "coercive_control", "Coercive control"
    ONLINE_CSA = "online_csa", "Indecent images / online child sexual abuse"
    EXPLOITATION = "exploitation", "Exploitation"
    OTHER = "other", "Other"


class VictimAgeGroup(models.TextChoices):
    ADULT = "adult", "Adult (16+ at offence)"
    CHILD = "child", "Child"
    UNKNOWN = "unknown", "Unknown"


class BailStatus(models.TextChoices):
    NONE = "none", "None"
    BAIL = "bail", "Pre-charge bail with conditions"
    RUI = "rui", "Released under investigation"


class CpsDecision(models.TextChoices):
    CHARGE = "charge", "Charge"
    NFA = "nfa", "No further action"
    FURTHER_EVIDENCE = "further_evidence", "Further evidence requested"
    ADVICE = "advice", "Advice given"


class CourtOutcome(models.TextChoices):
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DISCONTINUED = "discontinued", "Discontinued"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_RECORDED = "", "Not recorded"


class OrderType(models.TextChoices):
    SHPO = "shpo", "Sexual Harm Prevention Order"
    SRO = "sro", "Sexual Risk Order"
    SPO = "spo", "Stalking Protection Order"
    DVPN = "dvpn", "Domestic Violence Protection Notice"
    DVPO = "dvpo", "Domestic Violence Protection Order"
    FMPO = "fmpo", "Forced Marriage Protection Order"
    FGMPO = "fgmpo", "FGM Protection Order"
    NON_MOLESTATION = "non_molestation", "Non-molestation order"


class Phase(models.TextChoices):
    PRE_CHARGE = "pre_charge", "Pre-charge"
    POST_CHARGE = "post_charge", "Post-charge"
    FINALISED = "finalised", "Finalised"


# --- register v2 (DESIGN.md §2): people, pseudonymous, and the investigation's later stages ---

ADULT_AGE = 16  # "adult" at offence: as the Home Office rape classifications and the domestic-abuse definition use


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Ethnicity(models.TextChoices):
    """The 19 ethnic groups of the 2021 census (England and Wales), and not stated."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = "black_african", "Black, Black British, Black Welsh, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Black Welsh, Caribbean or African: Other Black"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or Multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "Mixed or Multiple: White and Black Caribbean"
    MIXED_OTHER = "mixed_other", "Mixed or Multiple: Other Mixed or Multiple"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "not_stated", "Not stated"


class Relationship(models.TextChoices):
    """The suspect's relationship to the victim."""

    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    FAMILY = "family", "Family member"
    ACQUAINTANCE = "acquaintance", "Acquaintance"
    STRANGER = "stranger", "Stranger"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class SuspectStatus(models.TextChoices):
    NOT_IDENTIFIED = "not_identified", "Not identified"
    IDENTIFIED = "identified", "Identified"
    ARRESTED = "arrested", "Arrested"
    INTERVIEWED = "interviewed", "Interviewed"
    WANTED = "wanted", "Wanted (outstanding)"
    CHARGED = "charged", "Charged"


class WithdrawalReason(models.TextChoices):
    """Why a victim did not support (or withdrew support for) action: outcomes 14 and 16."""

    FEAR_OF_REPRISAL = "fear_of_reprisal", "Fear of reprisal"
    RELATIONSHIP_RESUMED = "relationship_resumed", "Relationship with the suspect resumed"
    INVESTIGATION_LENGTH = "investigation_length", "Length of the investigation"
    INTRUSIVE_PROCESS = "intrusive_process", "Process too intrusive (digital, third-party material)"
    SAFEGUARDING_ONLY = "safeguarding_only", "Wants safeguarding, not prosecution"
    OTHER = "other", "Other"


class FunnelStage(models.TextChoices):
    """The attrition funnel's stages, in order (cases.analytics); each after the first is a rollup
    count ``funnel_<stage>`` (cases.models.ROLLUP_MEASURES)."""

    RECORDED = "recorded", "Recorded"
    ARRESTED = "arrested", "Suspect arrested"
    REFERRED_TO_CPS = "referred_to_cps", "Referred to the CPS"
    CHARGED = "charged", "Charged/summonsed (outcome 1 or 1A)"
    COURT_OUTCOME = "court_outcome", "Court outcome"
    CONVICTED = "convicted", "Convicted"
