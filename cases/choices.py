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
    ADULT = "adult", "Adult (18+ at offence)"
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
