"""Static reference data of a professional-services firm: entities, levels, practices, rates.

Everything here is immutable (tuples, frozen dataclasses, mapping proxies); the generator
draws from it with the seeded random.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class CurrencySpec:
    code: str
    name: str
    symbol: str
    minor_units: int
    usd_rate: str


@dataclass(frozen=True, slots=True)
class Office:
    city: str
    holiday_calendar: str  # "US-NY": country and optional subdivision for `holidays`


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """One legal entity the firm may have, with where its people sit."""

    country: str
    name_suffix: str
    currency: str
    faker_locale: str
    standard_hours_per_week: float
    rate_factor: float  # local price level relative to the US, applied before FX
    offices: tuple[Office, ...]


@dataclass(frozen=True, slots=True)
class LevelSpec:
    level: int
    title: str
    pyramid_weight: int
    utilization_target: float
    bill_rate_usd: int
    cost_rate_usd: int


CURRENCIES: tuple[CurrencySpec, ...] = (
    CurrencySpec("USD", "US Dollar", "$", 2, "1.0000"),
    CurrencySpec("GBP", "Pound Sterling", "£", 2, "1.2700"),
    CurrencySpec("EUR", "Euro", "€", 2, "1.0900"),
    CurrencySpec("CAD", "Canadian Dollar", "C$", 2, "0.7300"),
    CurrencySpec("AUD", "Australian Dollar", "A$", 2, "0.6600"),
    CurrencySpec("INR", "Indian Rupee", "₹", 2, "0.0120"),
)
USD_RATES = MappingProxyType({c.code: float(c.usd_rate) for c in CURRENCIES})

# In the order a growing firm opens them: a size with N entities takes the first N.
ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec(
        "US",
        "Inc.",
        "USD",
        "en_US",
        40.0,
        1.0,
        (
            Office("New York", "US-NY"),
            Office("Chicago", "US-IL"),
            Office("San Francisco", "US-CA"),
            Office("Austin", "US-TX"),
            Office("Boston", "US-MA"),
        ),
    ),
    EntitySpec(
        "GB",
        "Ltd",
        "GBP",
        "en_GB",
        37.5,
        0.85,
        (Office("London", "GB-ENG"), Office("Manchester", "GB-ENG"), Office("Edinburgh", "GB-SCT")),
    ),
    EntitySpec(
        "DE",
        "GmbH",
        "EUR",
        "de_DE",
        40.0,
        0.9,
        (Office("Berlin", "DE-BE"), Office("Munich", "DE-BY"), Office("Frankfurt", "DE-HE")),
    ),
    EntitySpec(
        "IN",
        "Private Limited",
        "INR",
        "en_IN",
        40.0,
        0.3,
        (Office("Bengaluru", "IN-KA"), Office("Mumbai", "IN-MH")),
    ),
    EntitySpec(
        "CA",
        "Corp.",
        "CAD",
        "en_CA",
        37.5,
        0.9,
        (Office("Toronto", "CA-ON"), Office("Vancouver", "CA-BC"), Office("Montreal", "CA-QC")),
    ),
    EntitySpec(
        "AU",
        "Pty Ltd",
        "AUD",
        "en_AU",
        38.0,
        0.95,
        (Office("Sydney", "AU-NSW"), Office("Melbourne", "AU-VIC")),
    ),
)

LEVELS: tuple[LevelSpec, ...] = (
    LevelSpec(1, "Analyst", 22, 0.85, 165, 55),
    LevelSpec(2, "Consultant", 26, 0.82, 215, 72),
    LevelSpec(3, "Senior Consultant", 22, 0.78, 265, 92),
    LevelSpec(4, "Manager", 14, 0.68, 320, 118),
    LevelSpec(5, "Senior Manager", 8, 0.55, 375, 145),
    LevelSpec(6, "Director", 5, 0.35, 440, 180),
    LevelSpec(7, "Partner", 3, 0.15, 525, 230),
)
LEVEL_BY_NUMBER = MappingProxyType({lv.level: lv for lv in LEVELS})
CONTRACTOR_COST_PREMIUM = 1.35

PRACTICES: tuple[tuple[str, str], ...] = (
    ("STR", "Strategy & Transformation"),
    ("ERP", "Enterprise Applications"),
    ("DAT", "Data & Analytics"),
    ("CLD", "Cloud & Infrastructure"),
    ("SEC", "Cybersecurity"),
    ("CRM", "Customer Experience"),
    ("PPL", "People & Change"),
)

SKILLS_BY_PRACTICE = MappingProxyType(
    {
        "STR": (
            "Operating model design",
            "Business case development",
            "Cost transformation",
            "Target operating model",
            "Post-merger integration",
            "Market entry strategy",
            "Portfolio management",
            "Process mining",
        ),
        "ERP": (
            "NetSuite",
            "SAP S/4HANA",
            "Oracle Fusion Financials",
            "Workday Financials",
            "Order-to-cash",
            "Procure-to-pay",
            "Record-to-report",
            "Data migration",
        ),
        "DAT": (
            "Python",
            "SQL",
            "dbt",
            "Snowflake",
            "Databricks",
            "Power BI",
            "Tableau",
            "Machine learning",
            "Data governance",
        ),
        "CLD": (
            "AWS",
            "Azure",
            "Google Cloud",
            "Kubernetes",
            "Terraform",
            "Site reliability engineering",
            "Landing zones",
            "FinOps",
        ),
        "SEC": (
            "Identity and access management",
            "Zero trust",
            "SOC 2",
            "ISO 27001",
            "Incident response",
            "Penetration testing",
            "Cloud security posture",
            "Third-party risk",
        ),
        "CRM": (
            "Salesforce Sales Cloud",
            "Salesforce Service Cloud",
            "MuleSoft",
            "Marketing automation",
            "CPQ",
            "Customer journey mapping",
            "Contact center",
            "Apex",
        ),
        "PPL": (
            "Change management",
            "Workday HCM",
            "Organizational design",
            "Learning design",
            "Stakeholder engagement",
            "Workforce planning",
            "Training delivery",
            "Culture assessment",
        ),
    }
)

# Phases a project's tasks follow, by practice family.
PHASES_BY_PRACTICE = MappingProxyType(
    {
        "STR": ("Diagnostic", "Option design", "Roadmap", "Mobilization"),
        "ERP": ("Discovery", "Design", "Build", "Test", "Deploy", "Hypercare"),
        "DAT": ("Discovery", "Data foundation", "Model build", "Dashboarding", "Handover"),
        "CLD": ("Assessment", "Landing zone", "Migration waves", "Optimization"),
        "SEC": ("Assessment", "Remediation plan", "Implementation", "Validation"),
        "CRM": ("Discovery", "Design", "Build", "Test", "Deploy", "Hypercare"),
        "PPL": ("Current state", "Design", "Enablement", "Adoption"),
    }
)

INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Financial Services", ("Capital", "Bancorp", "Financial", "Trust", "Asset Management")),
    ("Insurance", ("Mutual", "Insurance", "Assurance", "Underwriters")),
    ("Healthcare", ("Health", "Health System", "Medical Group", "Care Partners")),
    ("Life Sciences", ("Therapeutics", "Biosciences", "Pharma", "Diagnostics")),
    ("Manufacturing", ("Industries", "Manufacturing", "Components", "Precision")),
    ("Retail & Consumer", ("Brands", "Retail", "Outfitters", "Foods")),
    ("Energy & Utilities", ("Energy", "Power", "Utilities", "Renewables")),
    ("Technology", ("Software", "Systems", "Networks", "Labs")),
    ("Media & Telecom", ("Media", "Communications", "Broadcasting", "Telecom")),
    ("Transportation & Logistics", ("Logistics", "Freight", "Transport", "Airlines")),
    ("Public Sector", ("Authority", "Agency", "Council", "Department")),
    ("Real Estate", ("Properties", "Realty", "REIT", "Developments")),
)

COMPANY_STEMS: tuple[str, ...] = (
    "Northwind",
    "Contoso",
    "Blue Harbor",
    "Granite",
    "Summit",
    "Meridian",
    "Redwood",
    "Silverline",
    "Ironbridge",
    "Lakeshore",
    "Pinnacle",
    "Crescent",
    "Keystone",
    "Evergreen",
    "Bluestone",
    "Cardinal",
    "Harborview",
    "Westfield",
    "Oakmont",
    "Sterling",
    "Riverbend",
    "Highland",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Fairmont",
    "Juniper",
    "Maple Leaf",
    "Orion",
    "Polaris",
    "Quarry",
    "Sapphire",
    "Trident",
    "Vanguard",
    "Willow Creek",
    "Atlas",
    "Bristol",
    "Cascade",
    "Dunmore",
    "Emberly",
    "Foxglove",
    "Glenwood",
    "Halcyon",
    "Ivybridge",
    "Kingsgate",
    "Larkspur",
    "Marlowe",
    "Newhaven",
    "Oxbow",
    "Prairie",
)
COMPANY_SUFFIXES: tuple[str, ...] = ("", "", "", " Group", " Holdings", " Corporation", " Partners")

CONTACT_TITLES: tuple[str, ...] = (
    "Chief Information Officer",
    "Chief Financial Officer",
    "Chief Operating Officer",
    "VP Finance",
    "VP Information Technology",
    "VP Operations",
    "Director of Procurement",
    "Director of IT Applications",
    "Head of Transformation",
    "Controller",
    "Program Director",
    "HR Director",
)

SOW_PATTERNS: tuple[str, ...] = (
    "{phase} for {scope}",
    "{scope} {phase}",
    "{scope} program - {phase}",
)
SCOPES_BY_PRACTICE = MappingProxyType(
    {
        "STR": ("Operating Model Redesign", "Cost Optimization", "Growth Strategy", "PMI"),
        "ERP": ("NetSuite Implementation", "S/4HANA Migration", "Finance Transformation"),
        "DAT": ("Enterprise Data Platform", "Analytics Modernization", "Customer 360"),
        "CLD": ("Cloud Migration", "Platform Engineering", "Data Center Exit"),
        "SEC": ("Zero Trust Roadmap", "IAM Modernization", "SOC 2 Readiness"),
        "CRM": ("Sales Cloud Rollout", "Service Transformation", "CPQ Implementation"),
        "PPL": ("HR Transformation", "Workday Deployment", "Change Enablement"),
    }
)

EXPENSE_CATEGORIES: tuple[tuple[str, int, float], ...] = (
    # category, median amount in USD, share of expense lines
    ("Airfare", 420, 0.15),
    ("Lodging", 210, 0.3),
    ("Meals", 45, 0.3),
    ("Ground transport", 38, 0.2),
    ("Mileage", 60, 0.05),
)

# Funnel: stage, probability, share of all opportunities.
STAGE_FUNNEL: tuple[tuple[str, int, float], ...] = (
    ("prospecting", 10, 0.09),
    ("qualification", 20, 0.08),
    ("needs_analysis", 35, 0.07),
    ("proposal", 55, 0.06),
    ("negotiation", 75, 0.05),
    ("closed_won", 100, 0.24),
    ("closed_lost", 0, 0.41),
)

BILLING_MODEL_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("time_and_materials", 0.45),
    ("fixed_fee", 0.25),
    ("milestone", 0.2),
    ("retainer", 0.1),
)

BLENDED_RATE_USD = 240.0
DEAL_SIZE_SIGMA = 0.9

# Price premium of a practice over the level's base rate.
PRACTICE_RATE_FACTOR = MappingProxyType(
    {"STR": 1.15, "ERP": 1.0, "DAT": 1.05, "CLD": 1.0, "SEC": 1.1, "CRM": 1.0, "PPL": 0.95}
)
# Share of consultants per legal entity, in ENTITIES order (renormalized per size).
ENTITY_WEIGHTS: tuple[float, ...] = (0.45, 0.2, 0.12, 0.13, 0.06, 0.04)
