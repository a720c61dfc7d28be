"""The vocabulary of the domain (spec §2–3): codes, Danish and English labels, and the intake schema.

Codes are English snake_case and are what code, CSV and JSON use. Input may give the code, the Danish
label, the English label or a listed alias, case-insensitively and ignoring surrounding spaces.
This module is the single source of truth for codes; rules, cohort files and the model read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ANSWER",
    "BOOLEAN",
    "CONTACT_ROUTE",
    "CRITERIA",
    "DANISH_COURSE",
    "DEGREE",
    "DEGREE_OR_UNKNOWN",
    "EDUCATION_DK",
    "EDUCATION_HOME",
    "FIELDS",
    "GENDER",
    "JOB_GOAL_LEVEL",
    "LABOUR_FORCE_OUTCOMES",
    "MUNICIPALITIES",
    "OFFER",
    "ORIGIN",
    "OUTCOME",
    "PROTECTED",
    "RULE_ONLY",
    "TYPOLOGY",
    "WORK_EXPERIENCE",
    "YES_NO_UNKNOWN",
    "Code",
    "FieldSpec",
    "Scale",
]


@dataclass(frozen=True)
class Code:
    """One code with its Danish and English label and any extra accepted spellings."""

    code: str
    da: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    """A closed set of codes (an answer scale, the offers, …) with label lookup."""

    name: str
    items: tuple[Code, ...]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for item in self.items:
            for text in (item.code, item.da, item.en, *item.aliases):
                key = text.strip().casefold()
                if table.get(key, item.code) != item.code:
                    raise AssertionError(f"{self.name}: {text!r} names two codes")
                table[key] = item.code
        object.__setattr__(self, "_lookup", table)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def parse(self, text: str) -> str | None:
        """The code that ``text`` names (code, Danish or English label), or ``None``.

        >>> ANSWER.parse(" Ja ")
        'yes'
        >>> DEGREE.parse("i høj grad")
        'high'
        >>> ANSWER.parse("maybe") is None
        True
        """
        return self._lookup.get(text.strip().casefold())

    def label(self, code: str, lang: str = "da") -> str:
        item = self[code]
        return item.da if lang == "da" else item.en

    def __getitem__(self, code: str) -> Code:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def describe(self) -> str:
        """``yes (ja), partly (delvist), no (nej)``: the allowed values for an error message."""
        return ", ".join(f"{i.code} ({i.da})" for i in self.items)


def _scale(name: str, *rows: tuple) -> Scale:
    return Scale(name, tuple(Code(*row) for row in rows))


ANSWER = _scale("answer", ("yes", "ja", "yes"), ("partly", "delvist", "partly"), ("no", "nej", "no"))
DEGREE = _scale(
    "degree",
    ("not_at_all", "slet ikke", "not at all"),
    ("low", "i lav grad", "to a low degree", ("lav grad",)),
    ("lesser", "i mindre grad", "to a lesser degree", ("mindre grad",)),
    ("some", "i nogen grad", "to some degree", ("nogen grad",)),
    ("high", "i høj grad", "to a high degree", ("høj grad", "i hoej grad")),
    ("not_relevant", "ikke relevant", "not relevant"),
)
#: The degree scale with "uoplyst" (unknown), for a field that may be left out (``health_barrier``).
DEGREE_OR_UNKNOWN = Scale(
    "degree_or_unknown", (*DEGREE.items, Code("unknown", "uoplyst", "unknown", ("ved ikke",)))
)
YES_NO_UNKNOWN = _scale(
    "yes_no_unknown",
    ("yes", "ja", "yes"),
    ("no", "nej", "no"),
    ("unknown", "uoplyst", "unknown", ("ved ikke",)),
)
WORK_EXPERIENCE = _scale(
    "work_experience",
    ("none", "ingen", "none", ("ingen arbejdserfaring",)),
    ("home_country", "fra hjemlandet", "from the home country", ("hjemland", "hjemlandet")),
    ("denmark", "fra Danmark", "from Denmark", ("danmark",)),
    ("both", "fra både hjemlandet og Danmark", "from both the home country and Denmark", ("begge",)),
    ("unknown", "uoplyst", "unknown", ("ved ikke",)),
)
TYPOLOGY = _scale(
    "typology",
    ("flexible", "Fleksibelt jobmål", "Flexible job goal"),
    ("ambitious", "Ambitiøst jobmål", "Ambitious job goal"),
    ("unrealistic", "Urealistisk jobmål", "Unrealistic job goal"),
    ("uncertain", "Usikkert jobmål", "Uncertain job goal"),
    ("no_goal", "Intet jobmål", "No job goal"),
)
OFFER = _scale(
    "offer",
    ("wage_subsidy", "løntilskud", "wage subsidy"),
    ("internship", "virksomhedspraktik", "internship", ("praktik",)),
    (
        "clarification",
        "afklaringsforløb",
        "clarification course",
        ("egne afklaringstilbud", "afklaringsforløb (egne afklaringstilbud)"),
    ),
    (
        "counselling",
        "rådgivning",
        "counselling",
        ("vejledningssamtaler", "rådgivning (vejledningssamtaler)", "counseling"),
    ),
)
OUTCOME = _scale(
    "outcome",
    (
        "job",
        "ordinær beskæftigelse / selvstændig",
        "ordinary job / self-employed",
        ("ordinær beskæftigelse", "selvstændig", "beskæftigelse"),
    ),
    ("education", "uddannelse på ordinære vilkår", "education on ordinary terms", ("uddannelse",)),
    ("active", "erhvervsaktiv", "labour-force active"),
    ("other", "anden årsag", "other reason", ("afsluttet af anden årsag",)),
)
#: The closure outcomes that count as closing in the labour force (every outcome but ``other``).
LABOUR_FORCE_OUTCOMES: tuple[str, ...] = ("job", "education", "active")
DANISH_COURSE = _scale(
    "danish_course",
    ("none", "ingen", "none"),
    ("du1", "danskuddannelse 1", "Danish education 1", ("du 1",)),
    ("du2", "danskuddannelse 2", "Danish education 2", ("du 2",)),
    ("du3", "danskuddannelse 3", "Danish education 3", ("du 3",)),
    ("unknown", "uoplyst", "unknown", ("ved ikke",)),
)
EDUCATION_HOME = _scale(
    "education_home",
    ("none", "ingen", "none"),
    ("primary", "grundskole", "primary school"),
    ("upper_secondary", "gymnasial uddannelse", "upper secondary"),
    ("vocational", "erhvervsfaglig uddannelse", "vocational", ("erhvervsfaglig", "erhvervsuddannelse")),
    ("short_medium_higher", "kort/mellemlang videregående uddannelse", "short or medium-cycle higher"),
    ("long_higher", "lang videregående uddannelse", "long-cycle higher"),
    ("unknown", "ved ikke", "unknown", ("uoplyst",)),
)
EDUCATION_DK = _scale(
    "education_dk",
    ("none", "ingen", "none"),
    ("vocational", "erhvervsfaglig uddannelse", "vocational", ("erhvervsfaglig", "erhvervsuddannelse")),
    ("short_medium_higher", "kort/mellemlang videregående uddannelse", "short or medium-cycle higher"),
    ("long_higher", "lang videregående uddannelse", "long-cycle higher"),
    ("unknown", "ved ikke", "unknown", ("uoplyst",)),
)
CONTACT_ROUTE = _scale(
    "contact_route",
    ("self_referred", "selvhenvendelse", "self-referred", ("borgeren har selv henvendt sig",)),
    (
        "jobcentre_referral",
        "henvist fra jobcenter",
        "referred by the job centre",
        ("henvist fra jobcenter/anden myndighed", "henvist"),
    ),
    ("outreach", "opsøgende kontakt", "outreach", ("opsøgende", "projektet har henvendt sig")),
    ("partner", "samarbejdspartner", "partner organisation", ("samarbejdspartnere",)),
)
JOB_GOAL_LEVEL = _scale(
    "job_goal_level",
    # The level's own words: "Intet jobmål" is a typology (issue 26); the old label is still read.
    ("none", "intet jobmål nævnt", "no job goal named", ("intet", "intet jobmål", "no job goal")),
    ("unclear", "uklart", "unclear"),
    ("unskilled", "ufaglært", "unskilled"),
    ("skilled", "faglært", "skilled"),
    ("higher", "videregående", "higher education level"),
)
GENDER = _scale("gender", ("female", "kvinde", "female", ("k",)), ("male", "mand", "male", ("m",)))
ORIGIN = _scale(
    "origin",
    ("western", "vestlig", "western"),
    ("non_western", "ikke-vestlig", "non-western", ("ikke vestlig", "non western")),
)
BOOLEAN = _scale("boolean", ("true", "ja", "yes", ("sand",)), ("false", "nej", "no", ("falsk",)))

MUNICIPALITIES = ("Frederiksberg", "Hjørring", "Holstebro", "Lyngby-Taarbæk", "Rødovre", "Aarhus")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the intake record (spec §3)."""

    name: str
    kind: str  # "code", "int", "bool", "str"
    da: str
    en: str
    required: bool = True
    scale: Scale | None = None
    low: int | None = None
    high: int | None = None
    max_length: int | None = None
    default: object = None
    protected: bool = False
    model_feature: bool = True  # False: read by the rules only, never a feature of the outcome model

    def expected(self) -> str:
        """What is allowed, for an error message."""
        if self.kind == "code":
            assert self.scale is not None
            return f"en af / one of: {self.scale.describe()}"
        if self.kind == "int":
            return f"et heltal / a whole number {self.low}–{self.high}"
        if self.kind == "bool":
            return "ja/nej (true/false)"
        return f"tekst / text (højst / at most {self.max_length} tegn/chars)"


def _f(name: str, kind: str, da: str, en: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, kind, da, en, **kw)


_FIELD_LIST = (
    _f("citizen_id", "str", "borger-id", "citizen id", max_length=64),
    _f("municipality", "str", "kommune", "municipality", max_length=80),
    _f("years_in_denmark", "int", "opholdsanciennitet (år)", "years in Denmark", low=0, high=80),
    _f("children_under_18", "int", "hjemmeboende børn under 18 år", "children under 18", low=0, high=20),
    _f("danish_course", "code", "danskuddannelse", "Danish course", scale=DANISH_COURSE),
    _f(
        "education_home",
        "code",
        "højest gennemførte uddannelse fra hjemlandet",
        "highest education from home country",
        scale=EDUCATION_HOME,
    ),
    _f(
        "education_dk",
        "code",
        "erhvervskompetencegivende uddannelse fra Danmark",
        "vocational qualification from Denmark",
        scale=EDUCATION_DK,
    ),
    _f("contact_route", "code", "kontaktform", "contact route", scale=CONTACT_ROUTE),
    _f("active_job_seeker", "code", "er aktivt jobsøgende", "is an active job seeker", scale=ANSWER),
    _f("geographically_mobile", "code", "er geografisk mobil", "is geographically mobile", scale=ANSWER),
    _f(
        "searches_broadly",
        "code",
        "søger bredt ift. alle rimelige job",
        "searches broadly for all reasonable jobs",
        scale=ANSWER,
    ),
    _f(
        "can_start_within_14_days",
        "code",
        "kan påbegynde ethvert rimeligt arbejde inden for 14 dage",
        "can start any reasonable job within 14 days",
        scale=ANSWER,
    ),
    _f(
        "wants_employment",
        "code",
        "ønsker overordnet set at komme i arbejde",
        "wants employment overall",
        scale=ANSWER,
    ),
    _f(
        "language_sufficient",
        "code",
        "sproglige færdigheder tilstrækkelige til realistisk arbejde",
        "language sufficient for a realistic job",
        scale=DEGREE,
    ),
    _f(
        "spouse_support",
        "code",
        "ægtefælle og familie bakker op om arbejde",
        "spouse and family support work",
        scale=DEGREE,
    ),
    _f(
        "network_use",
        "code",
        "bruger netværk uden for hjemmet i jobsøgningen",
        "uses network outside the home in the job search",
        scale=DEGREE,
    ),
    _f("job_goal_level", "code", "jobmålets niveau", "job-goal level", scale=JOB_GOAL_LEVEL),
    _f("job_goal", "str", "jobmål", "job goal", required=False, max_length=200),
    _f("education_plan", "bool", "har en uddannelsesplan", "has an education plan"),
    _f(
        "entrepreneurship_interest",
        "bool",
        "interesse for at starte egen virksomhed",
        "interest in starting a business",
        required=False,
        default=False,
    ),
    _f(
        "integration_programme",
        "code",
        "omfattet af integrationsprogrammet",
        "covered by the integration programme",
        required=False,
        scale=YES_NO_UNKNOWN,
        default="unknown",
        model_feature=False,
    ),
    _f(
        "health_barrier",
        "code",
        "helbredsmæssige eller sociale forhold begrænser muligheden for arbejde",
        "health or social circumstances limit the possibility of work",
        required=False,
        scale=DEGREE_OR_UNKNOWN,
        default="unknown",
        model_feature=False,
    ),
    _f(
        "work_experience",
        "code",
        "arbejdserfaring",
        "work experience",
        required=False,
        scale=WORK_EXPERIENCE,
        default="unknown",
        model_feature=False,
    ),
    _f("gender", "code", "køn", "gender", required=False, scale=GENDER, protected=True),
    _f(
        "origin",
        "code",
        "vestlig / ikke-vestlig oprindelse",
        "origin",
        required=False,
        scale=ORIGIN,
        protected=True,
    ),
    _f("nationality", "str", "nationalitet", "nationality", required=False, max_length=80, protected=True),
)

FIELDS: Mapping[str, FieldSpec] = {spec.name: spec for spec in _FIELD_LIST}
PROTECTED: tuple[str, ...] = tuple(s.name for s in _FIELD_LIST if s.protected)
#: Intake fields the rules read but the outcome model does not (issue 26: no earlier cohort holds them).
#: Optional everywhere: a record or cohort file without them means "uoplyst" (unknown).
RULE_ONLY: tuple[str, ...] = tuple(s.name for s in _FIELD_LIST if not s.model_feature)
# The five labour-force criteria of spec §4, in the report's order.
CRITERIA: tuple[str, ...] = (
    "active_job_seeker",
    "geographically_mobile",
    "searches_broadly",
    "can_start_within_14_days",
    "wants_employment",
)
