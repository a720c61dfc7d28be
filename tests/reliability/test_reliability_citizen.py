"""Property-based tests over the intake schema (issue 7).

Every valid record (codes, Danish or English labels, any case, padded, numbers as digit strings) gives
a Recommendation that satisfies the contract of spec §7–8; every invalid one raises RecommenderError
naming the broken field; nothing else is ever raised, whatever JSON-like value lands in a field.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_recommend import check_contract

from recommender import Citizen, RecommenderError, recommend
from recommender.errors import InvalidCitizenError
from recommender.text import FORMULA_START, has_cpr
from recommender.typology import load_rules
from recommender.vocab import BOOLEAN, FIELDS

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REQUIRED = tuple(name for name, spec in FIELDS.items() if spec.required)
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzæøåÆØÅ0123456789-_ ."


def _spelling(word: str) -> st.SearchStrategy[str]:
    """Any case, optionally padded: how an adviser may type a code or label."""
    cases = st.sampled_from([word, word.upper(), word.lower(), word.title(), word.capitalize()])
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return st.tuples(pad, cases, pad).map("".join)


def _valid_value(name: str) -> st.SearchStrategy[object]:
    spec = FIELDS[name]
    if spec.kind == "code":
        assert spec.scale is not None
        words = [w for item in spec.scale.items for w in (item.code, item.da, item.en, *item.aliases)]
        return st.sampled_from(words).flatmap(_spelling)
    if spec.kind == "int":
        number = st.integers(spec.low, spec.high)
        return st.one_of(number, number.map(lambda n: f" {n} "), number.map(str))
    if spec.kind == "bool":
        words = [w for item in BOOLEAN.items for w in (item.code, item.da, item.en, *item.aliases)]
        return st.one_of(st.booleans(), st.sampled_from(words).flatmap(_spelling))
    size = 64 if name == "citizen_id" else spec.max_length
    return st.text(_ID_ALPHABET, min_size=1, max_size=size).filter(
        lambda s: bool(s.strip()) and not has_cpr(s) and not s.strip().startswith(FORMULA_START)
    )


@st.composite
def valid_records(draw) -> dict[str, object]:
    record: dict[str, object] = {}
    for name, spec in FIELDS.items():
        if spec.required or draw(st.booleans()):
            record[name] = draw(_valid_value(name))
        elif draw(st.booleans()):
            record[name] = None  # null for an optional field means "not given"
    return record


# Values that are wrong for a field of each kind, as advisers and broken exports produce them.
_WRONG = {
    "int": [
        True,
        False,
        2.5,
        3.0,
        -1,
        81,
        10**30,
        "tre",
        "2,5",
        "",
        " ",
        [],
        [2],
        {"n": 2},
        float("nan"),
        float("inf"),
    ],
    "code": [True, False, 0, 1, 2.0, "", "   ", "maybe", "ja nej", ["yes"], {"code": "yes"}, "x" * 5000],
    "bool": [0, 1, 0.0, "", "maybe", "ja!", ["true"], {"v": True}, "x" * 5000],
    "str": [0, 12, 1.5, True, False, ["a"], {"a": 1}, "x" * 5000],
}


@st.composite
def invalid_records(draw) -> tuple[dict[str, object], str]:
    """A valid record with exactly one field broken; returns the record and the broken field's name."""
    record = draw(valid_records())
    how = draw(st.sampled_from(["drop", "null", "unknown", "wrong", "misspelt", "cpr", "control"]))
    if how in ("drop", "null"):
        name = draw(st.sampled_from(REQUIRED))
        if how == "drop":
            del record[name]
        else:
            record[name] = None
        return record, name
    if how == "unknown":
        name = draw(st.sampled_from(["wants_employmnt", "Kommune", "cpr", "notes", "age", "borger_id"]))
        record[name] = draw(_valid_value("municipality"))
        return record, name
    if how == "cpr":
        record["citizen_id"] = draw(
            st.sampled_from(["010190-1234", "0101901234", "Borger 311299 4321", "150575-0007"])
        )
        return record, "citizen_id"
    if how == "control":
        name = draw(st.sampled_from(["citizen_id", "municipality"]))
        record[name] = draw(st.sampled_from(["P\x00500", "Aar\nhus", "P\x1b[31m", "P\ud800"]))
        return record, name
    if how == "misspelt":
        name = draw(st.sampled_from([n for n, s in FIELDS.items() if s.kind == "code"]))
        record[name] = draw(
            st.sampled_from(
                [
                    "delvis",
                    "i høj grd",
                    "faglaert!",
                    "du4",
                    "intet jobmal",
                    "opsøgende kontak",
                    "vestligt",
                    "kvinder",
                    "ja tak",
                ]
            )
        )
        return record, name
    name = draw(st.sampled_from([n for n, s in FIELDS.items() if s.kind != "str" or s.required]))
    spec = FIELDS[name]
    wrong = [v for v in _WRONG[spec.kind] if spec.required or not (isinstance(v, str) and not v.strip())]
    record[name] = draw(st.sampled_from(wrong))
    return record, name


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@SETTINGS
@given(record=valid_records())
def test_every_valid_record_gets_a_recommendation_that_keeps_the_contract(
    record, default_model, rules
) -> None:
    rec = recommend(record, model=default_model, rules=rules)
    check_contract(rec, record, rules)
    again = Citizen.from_dict(Citizen.from_dict(record).to_dict())
    assert again == Citizen.from_dict(record), "codes round-trip through to_dict"


@SETTINGS
@given(case=invalid_records())
def test_every_invalid_record_is_refused_naming_the_field(case, default_model, rules) -> None:
    record, name = case
    with pytest.raises(InvalidCitizenError) as info:
        recommend(record, model=default_model, rules=rules)
    error = info.value
    assert name in {p.field for p in error.problems}
    assert name in str(error)
    assert len(str(error)) < 2000, "a message never carries a whole record or a huge value"
    assert "\n" not in str(error) and "\x00" not in str(error) and "\x1b" not in str(error)


_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["ja", "nej", "du2", "12", "yes"]),
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@SETTINGS
@given(
    base=valid_records(),
    changes=st.dictionaries(
        st.one_of(st.sampled_from(list(FIELDS)), st.text(max_size=12)), _json_values, min_size=1, max_size=4
    ),
)
def test_any_json_value_in_any_field_is_accepted_or_refused_never_crashes(base, changes) -> None:
    record = {**base, **changes}
    try:
        citizen = Citizen.from_dict(record)
    except RecommenderError as exc:
        assert isinstance(exc, InvalidCitizenError) and exc.problems
        assert len(str(exc)) < 3000
    else:
        assert all(str(k).strip() in FIELDS for k in changes)
        assert Citizen.from_dict(citizen.to_dict()) == citizen


@SETTINGS
@given(
    data=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=20),
        st.lists(_json_scalars, max_size=3),
        st.dictionaries(st.integers(), _json_scalars, min_size=1, max_size=3),
    )
)
def test_what_is_not_a_record_of_named_fields_is_refused(data) -> None:
    with pytest.raises(RecommenderError):
        Citizen.from_dict(data)  # type: ignore[arg-type]


def test_huge_integers_are_refused_without_a_crash() -> None:
    """Python refuses to print ints over 4300 digits; the message must still be built and short."""
    from test_citizen import VALID

    with pytest.raises(InvalidCitizenError) as info:
        Citizen.from_dict(dict(VALID, years_in_denmark=10**5000, danish_course=-(10**5000)))
    assert {p.field for p in info.value.problems} == {"years_in_denmark", "danish_course"}
    assert len(str(info.value)) < 1000


def test_eight_threads_from_a_cold_start_equal_sequential_calls(default_model, monkeypatch) -> None:
    """Threads race to load the default model and rules, and mix valid and invalid records: every
    thread gets exactly what a sequential call gets (the same recommendation or the same error), and
    the default model is loaded once."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    from test_recommend import random_record

    from recommender import process_cache
    from recommender.modelling import default as default_module

    rng = random.Random(8)
    records: list[dict[str, object]] = []
    for i in range(96):
        record = random_record(rng, i)
        if i % 5 == 0:
            record["danish_course"] = "du9"
        records.append(record)

    def outcome(record):
        try:
            return recommend(record).to_dict()
        except RecommenderError as exc:
            return f"{type(exc).__name__}: {exc}"

    sequential = [outcome(r) for r in records]
    loads = []
    real_load = default_module._load_or_build
    monkeypatch.setattr(default_module, "_load_or_build", lambda: loads.append(1) or real_load())
    process_cache.reset()  # a cold start: neither the rules nor the model in memory
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(outcome, records))
    assert parallel == sequential
    assert loads == [1]
    assert sum(isinstance(o, str) for o in parallel) == len(records) // 5 + 1
