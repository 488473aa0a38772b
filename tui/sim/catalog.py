"""The fixed cast of the scenario: accounts, companies, marketing sources, staff, tags and names.

Only data lives here; ``scenario`` picks from it with a seeded random generator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Source:
    name: str  # tracker name and the call's ``source``
    medium: str
    rule: dict | str
    weight: float
    campaign: str | None = None


@dataclass(frozen=True)
class CompanySpec:
    name: str
    industry: str
    time_zone: str
    city: str
    state: str
    area_codes: tuple[str, ...]
    weight: float
    domain: str
    staff: tuple[tuple[str, str], ...]
    sources: tuple[Source, ...]
    tags: tuple[str, ...]
    weekend_factor: float


@dataclass(frozen=True)
class AccountSpec:
    name: str
    owner: tuple[str, str]
    owner_domain: str
    companies: tuple[CompanySpec, ...]


GOOGLE_ADS = Source(
    "Google Ads", "PPC", {"type": "search", "search_engine": "google", "search_type": "paid"}, 0.32
)
GOOGLE_ORGANIC = Source(
    "Google Organic", "Organic", {"type": "search", "search_engine": "google", "search_type": "organic"}, 0.2
)
GOOGLE_BUSINESS = Source("Google My Business", "Organic", {"type": "google_my_business"}, 0.16)
FACEBOOK = Source("Facebook", "Social", "facebook_all", 0.1)
DIRECT = Source("Direct", "direct", {"type": "direct"}, 0.12)
BING = Source("Bing Ads", "PPC", "bing_all", 0.05)
YELP = Source("Yelp", "Referral", {"type": "web_referrer", "referrer": "yelp.com"}, 0.05)

COMMON_TAGS = ("Booked", "Quote Requested", "Callback Needed", "Existing Customer", "Wrong Number")

TAG_COLORS = ("blue1", "green2", "orange1", "purple1", "gray2", "red1", "cyan1", "yellow2", "pink2")

MAIN_ACCOUNT = AccountSpec(
    name="Summit Home & Office Services",
    owner=("Dana", "Whitfield"),
    owner_domain="summit-services.example.com",
    companies=(
        CompanySpec(
            name="Windy City Plumbing & Drain",
            industry="plumbing",
            time_zone="America/Chicago",
            city="Chicago",
            state="IL",
            area_codes=("312", "773", "872", "708", "630", "847", "224", "331", "779", "815", "309"),
            weight=1.3,
            domain="windycityplumbing.example.com",
            staff=(("Jo", "Rivera"), ("Marcus", "Bell"), ("Priya", "Shah")),
            sources=(
                Source("Google Ads", "PPC", GOOGLE_ADS.rule, 0.34, campaign="Emergency Plumbing - Chicago"),
                GOOGLE_ORGANIC,
                GOOGLE_BUSINESS,
                FACEBOOK,
                DIRECT,
                BING,
                YELP,
            ),
            tags=("Emergency", "Water Heater"),
            weekend_factor=0.55,
        ),
        CompanySpec(
            name="Bay State Dental",
            industry="dental",
            time_zone="America/New_York",
            city="Boston",
            state="MA",
            area_codes=("617", "857", "781", "339", "508", "774", "978", "351", "413"),
            weight=1.0,
            domain="baystatedental.example.com",
            staff=(("Alicia", "Moreno"), ("Ben", "Carter")),
            sources=(
                Source("Google Ads", "PPC", GOOGLE_ADS.rule, 0.3, campaign="New Patients - Boston"),
                GOOGLE_ORGANIC,
                GOOGLE_BUSINESS,
                FACEBOOK,
                DIRECT,
                YELP,
            ),
            tags=("New Patient", "Insurance Question"),
            weekend_factor=0.15,
        ),
        CompanySpec(
            name="Front Range Roofing",
            industry="roofing",
            time_zone="America/Denver",
            city="Denver",
            state="CO",
            area_codes=("303", "720", "983", "719", "970"),
            weight=0.8,
            domain="frontrangeroofing.example.com",
            staff=(("Kyle", "Jensen"), ("Maria", "Lopez")),
            sources=(
                Source("Google Ads", "PPC", GOOGLE_ADS.rule, 0.35, campaign="Roof Repair - Denver Metro"),
                GOOGLE_ORGANIC,
                GOOGLE_BUSINESS,
                FACEBOOK,
                DIRECT,
                BING,
            ),
            tags=("Storm Damage", "Estimate"),
            weekend_factor=0.4,
        ),
        CompanySpec(
            name="Pacific Coast Law Group",
            industry="law",
            time_zone="America/Los_Angeles",
            city="Los Angeles",
            state="CA",
            area_codes=("213", "310", "323", "424", "818", "626", "747", "562"),
            weight=0.6,
            domain="pacificcoastlaw.example.com",
            staff=(("Rachel", "Kim"), ("David", "Okafor")),
            sources=(
                Source("Google Ads", "PPC", GOOGLE_ADS.rule, 0.4, campaign="Car Accident Lawyer LA"),
                GOOGLE_ORGANIC,
                GOOGLE_BUSINESS,
                DIRECT,
                BING,
            ),
            tags=("Personal Injury", "Consultation"),
            weekend_factor=0.2,
        ),
    ),
)


def main_account(time_zone: str | None = None) -> AccountSpec:
    """The main account, with every company moved to ``time_zone`` when one is given."""
    if time_zone is None:
        return MAIN_ACCOUNT
    companies = tuple(replace(company, time_zone=time_zone) for company in MAIN_ACCOUNT.companies)
    return replace(MAIN_ACCOUNT, companies=companies)


OTHER_ACCOUNT = AccountSpec(
    name="Sunbelt Comfort HVAC",
    owner=("Luis", "Ortega"),
    owner_domain="sunbelthvac.example.com",
    companies=(
        CompanySpec(
            name="Sunbelt Comfort HVAC",
            industry="plumbing",
            time_zone="America/Phoenix",
            city="Phoenix",
            state="AZ",
            area_codes=("602", "480", "623", "520", "928"),
            weight=0.4,
            domain="sunbelthvac.example.com",
            staff=(("Tina", "Brooks"),),
            sources=(GOOGLE_ADS, GOOGLE_ORGANIC, DIRECT),
            tags=("Emergency",),
            weekend_factor=0.5,
        ),
    ),
)

# fmt: off
FIRST_NAMES = (
    "Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David", "Elizabeth", "William",
    "Susan", "Carlos", "Jessica", "Raj", "Sarah", "Thomas", "Karen", "Daniel", "Nancy", "Kevin", "Lisa",
    "Brian", "Angela", "Tyrone", "Mei", "Ahmed", "Olivia", "Ethan", "Sofia", "Noah", "Grace", "Diego",
)
LAST_NAMES = (
    "Delgado", "Smith", "Johnson", "Patel", "Nguyen", "Garcia", "Brown", "Miller", "Davis", "Wilson",
    "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Chen", "Ali",
)
# fmt: on
# Caller-id names that are not a person's name.
ANONYMOUS_CNAMS = ("WIRELESS CALLER", "CELL PHONE", "UNKNOWN")

# Relative call volume by local hour of day: morning and afternoon peaks, little at night.
HOURLY_PROFILE = (
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.15, 0.5, 1.0, 1.4, 1.5, 1.3,
    0.9, 1.1, 1.35, 1.3, 1.1, 0.7, 0.4, 0.25, 0.18, 0.12, 0.08, 0.06,
)  # fmt: skip
# Calls per hour for a company of weight 1 at profile 1.0; with the main account this gives ~300 a weekday.
BASE_CALLS_PER_HOUR = 5.9
BUSINESS_HOURS = range(8, 18)
