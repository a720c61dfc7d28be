"""A corpus of malformed citizen files, rules, model and CSV files for the CLI (issue 7).

Every entry must give exit code 2 and exactly one line on stderr that names the field or the problem,
with no traceback; the same file through the Python API raises RecommenderError. A few entries also
run through a real ``python -m recommender`` process to prove no traceback reaches stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from recommender import RecommenderError, load_model, load_rules
from recommender.cli import main
from recommender.recommending.citizen_json import read_citizen_json

ROOT = Path(__file__).resolve().parents[2]
VALID: dict[str, object] = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))
CPR_IDS = ("010190-1234", "0101901234", "311299 4321")


def _with(**changes: object) -> dict[str, object]:
    return {**VALID, **changes}


def _without(*names: str) -> dict[str, object]:
    return {k: v for k, v in VALID.items() if k not in names}


def _json_with_raw(name: str, raw: str) -> bytes:
    """The valid record with ``name`` set to a raw JSON token (NaN, a 5000-digit number, …)."""
    body = json.dumps(_without(name))[:-1]
    return f'{body}, "{name}": {raw}}}'.encode()


# (id, content, words that must be on the one stderr line). Content: a dict (dumped as JSON), bytes
# (written as is), or a callable(tmp_path) -> path for paths that are not plain files.
Case = tuple[str, object, tuple[str, ...]]
CITIZEN_CORPUS: list[Case] = [
    # missing / unknown fields
    ("missing_required", _without("wants_employment"), ("wants_employment", "required")),
    (
        "missing_several",
        _without("citizen_id", "education_plan", "network_use"),
        ("citizen_id", "education_plan", "network_use"),
    ),
    ("only_an_id", {"citizen_id": "P-1"}, ("municipality", "17")),
    ("empty_object", {}, ("citizen_id", "required")),
    ("unknown_field", _with(cpr_nummer="x"), ("cpr_nummer", "known field")),
    ("misspelt_key", _with(wants_employmnt="yes"), ("wants_employmnt", "wants_employment")),
    ("danish_key", {**_without("municipality"), "kommune": "Aarhus"}, ("kommune", "municipality")),
    ("key_with_spaces_twice", {**VALID, " wants_employment ": "no"}, ("wants_employment", "once")),
    ("duplicate_key", b'{"citizen_id": "A", "citizen_id": "B"}', ("citizen_id", "once")),
    ("cpr_as_key", _with(**{"010190-1234": "x"}), ("known field",)),
    # wrong types
    ("bool_as_years", _with(years_in_denmark=True), ("years_in_denmark", "whole number")),
    ("bool_as_children", _with(children_under_18=False), ("children_under_18",)),
    ("float_children", _with(children_under_18=2.5), ("children_under_18", "whole number")),
    ("whole_float_children", _with(children_under_18=2.0), ("children_under_18",)),
    ("text_number", _with(years_in_denmark="fire"), ("years_in_denmark",)),
    ("comma_decimal", _with(years_in_denmark="2,5"), ("years_in_denmark",)),
    ("number_as_code", _with(wants_employment=1), ("wants_employment",)),
    ("bool_as_code", _with(wants_employment=True), ("wants_employment", "did you mean 'yes'")),
    ("number_as_bool", _with(education_plan=0), ("education_plan", "true/false")),
    ("text_as_bool", _with(education_plan="måske"), ("education_plan",)),
    ("number_as_id", _with(citizen_id=12345), ("citizen_id", "text")),
    ("bool_as_municipality", _with(municipality=True), ("municipality",)),
    ("list_as_code", _with(danish_course=["du2"]), ("danish_course", "list")),
    ("object_as_code", _with(job_goal_level={"code": "skilled"}), ("job_goal_level", "dict")),
    ("list_as_number", _with(years_in_denmark=[4]), ("years_in_denmark",)),
    ("object_as_id", _with(citizen_id={"id": "P-1"}), ("citizen_id",)),
    # out of range
    ("negative_years", _with(years_in_denmark=-1), ("years_in_denmark", "0–80")),
    ("years_81", _with(years_in_denmark=81), ("years_in_denmark", "0–80")),
    ("children_21", _with(children_under_18=21), ("children_under_18", "0–20")),
    ("huge_number", _json_with_raw("years_in_denmark", "9" * 5000), ("years_in_denmark", "5000")),
    ("huge_float", _json_with_raw("children_under_18", "1e400"), ("children_under_18",)),
    # misspelt Danish labels
    ("misspelt_delvist", _with(active_job_seeker="delvis"), ("active_job_seeker", "partly")),
    ("misspelt_degree", _with(language_sufficient="i høj grd"), ("language_sufficient", "high")),
    ("unknown_course", _with(danish_course="danskuddannelse 4"), ("danish_course",)),
    ("misspelt_level", _with(job_goal_level="faglaert"), ("job_goal_level", "skilled")),
    ("misspelt_route", _with(contact_route="opsøgende kontak"), ("contact_route", "outreach")),
    ("misspelt_gender", _with(gender="kvinder"), ("gender",)),
    # empty and null
    ("empty_code", _with(wants_employment=""), ("wants_employment",)),
    ("blank_id", _with(citizen_id="   "), ("citizen_id", "non-empty")),
    ("null_required", _with(searches_broadly=None), ("searches_broadly", "required")),
    ("null_bool", _with(education_plan=None), ("education_plan", "required")),
    ("empty_bool", _with(entrepreneurship_interest=""), ("entrepreneurship_interest",)),
    # CPR numbers as ids (never echoed: checked in the privacy test below)
    *((f"cpr_id_{i}", _with(citizen_id=cpr), ("citizen_id", "CPR")) for i, cpr in enumerate(CPR_IDS)),
    ("cpr_inside_id", _with(citizen_id="borger 010190-1234"), ("citizen_id", "CPR")),
    # long, control and broken text
    ("long_id", _with(citizen_id="P" * 65), ("citizen_id", "64")),
    ("900k_job_goal", _with(job_goal="x" * 900_000), ("job_goal", "200")),
    ("control_chars_id", _with(citizen_id="P500\x1b[2J"), ("citizen_id", "control")),
    ("nul_in_id", _with(citizen_id="P500\x00"), ("citizen_id", "control")),
    ("newline_municipality", _with(municipality="Aar\nhus"), ("municipality", "control")),
    ("lone_surrogate", json.dumps(_with(citizen_id="P\ud800")).encode(), ("citizen_id", "control")),
    # files that are not one JSON object
    ("multi_megabyte", json.dumps(_with(job_goal="x" * 3_000_000)).encode(), ("1,000,000 bytes", "for stor")),
    ("not_json", b"citizen_id: P-1\nmunicipality: Aarhus\n", ("invalid JSON", "line 1")),
    ("csv_instead", b"citizen_id,municipality\nP-1,Aarhus\n", ("invalid JSON",)),
    ("empty_file", b"", ("empty",)),
    ("whitespace_file", b" \n\t\n", ("empty",)),
    ("a_list", json.dumps([VALID]).encode(), ("got a list",)),
    ("a_string", b'"P500-EX-01"', ("got a string",)),
    ("a_number", b"42", ("got a number",)),
    ("null_document", b"null", ("got null",)),
    ("true_document", b"true", ("got true/false",)),
    ("nan_value", _json_with_raw("years_in_denmark", "NaN"), ("NaN",)),
    ("infinity_value", _json_with_raw("children_under_18", "-Infinity"), ("-Infinity",)),
    ("trailing_comma", json.dumps(VALID).encode()[:-1] + b",}", ("invalid JSON",)),
    ("two_objects", (json.dumps(VALID) * 2).encode(), ("invalid JSON", "Extra data")),
    ("truncated", json.dumps(VALID).encode()[:100], ("invalid JSON",)),
    ("single_quotes", b"{'citizen_id': 'P-1'}", ("invalid JSON",)),
    ("latin1", json.dumps(_with(municipality="Hjørring"), ensure_ascii=False).encode("latin-1"), ("UTF-8",)),
    ("utf16", json.dumps(VALID).encode("utf-16"), ("UTF-8",)),
    ("binary", bytes(range(256)) * 4, ("UTF-8",)),
    ("deep_nesting", b"[" * 50_000 + b"]" * 50_000, ("nested",)),
    ("missing_path", lambda tmp: tmp / "no-such-citizen.json", ("no such file",)),
    ("directory", lambda tmp: tmp, ("directory",)),
]


def _materialise(tmp_path: Path, name: str, content: object) -> Path:
    if callable(content):
        return content(tmp_path)
    path = tmp_path / f"{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), f"not one line: {err[:300]!r}"
    assert len(err) < 2500, "a message never carries a whole record"
    return err


@pytest.fixture(autouse=True)
def _default_model_cached(default_model):
    """The CLI loads the built-in model itself; make sure it is cached first."""


@pytest.mark.parametrize("name, content, words", CITIZEN_CORPUS, ids=[c[0] for c in CITIZEN_CORPUS])
def test_citizen_corpus_exit_2_one_line_naming_the_problem(tmp_path, capsys, name, content, words) -> None:
    path = _materialise(tmp_path, name, content)
    assert main(["recommend", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    err = _one_line(captured.err)
    assert captured.out == ""
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"
    with pytest.raises(RecommenderError):
        read_citizen_json(path)


@pytest.mark.parametrize("cpr", CPR_IDS)
def test_cpr_numbers_never_reach_stderr(tmp_path, capsys, cpr) -> None:
    for record in (_with(citizen_id=cpr), _with(citizen_id=cpr, years_in_denmark=99), _with(**{cpr: 1})):
        path = tmp_path / "c.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        assert main(["recommend", str(path)]) == 2
        err = capsys.readouterr().err
        assert cpr not in err and cpr.replace("-", "") not in err


# --- --rules, --model, score and train with broken files -------------------------------------------


def _bad_file(content: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "file.bin"
        path.write_bytes(content)
        return path

    return make


FLEXIBLE = str(ROOT / "examples" / "flexible.json")
RULES_TEXT = (ROOT / "recommender" / "rules.yaml").read_bytes()
OPTION_CORPUS: list[tuple[str, list[str], Callable[[Path], Path], tuple[str, ...]]] = [
    ("rules_missing", ["recommend", FLEXIBLE, "--rules", "{path}"], lambda t: t / "none.yaml", ("rules",)),
    ("rules_directory", ["recommend", FLEXIBLE, "--rules", "{path}"], lambda t: t, ("rules",)),
    ("rules_empty", ["recommend", FLEXIBLE, "--rules", "{path}"], _bad_file(b""), ("rules",)),
    ("rules_json_list", ["recommend", FLEXIBLE, "--rules", "{path}"], _bad_file(b"[1, 2]"), ("rules",)),
    ("rules_binary", ["recommend", FLEXIBLE, "--rules", "{path}"], _bad_file(bytes(range(256))), ("UTF-8",)),
    (
        "rules_python_tag",
        ["recommend", FLEXIBLE, "--rules", "{path}"],
        _bad_file(b"!!python/object/apply:os.system ['echo pwned']\n"),
        ("YAML",),
    ),
    (
        "rules_unknown_field",
        ["recommend", FLEXIBLE, "--rules", "{path}"],
        _bad_file(
            RULES_TEXT.replace(b"      field: wants_employment\n", b"      field: wants_employmnt\n", 1)
        ),
        ("wants_employmnt", "wants_employment"),
    ),
    (
        "model_missing",
        ["recommend", FLEXIBLE, "--model", "{path}"],
        lambda t: t / "none.p500",
        ("no such file",),
    ),
    ("model_directory", ["recommend", FLEXIBLE, "--model", "{path}"], lambda t: t, ("directory",)),
    ("model_empty", ["recommend", FLEXIBLE, "--model", "{path}"], _bad_file(b""), ("model file refused",)),
    (
        "model_pickle",
        ["recommend", FLEXIBLE, "--model", "{path}"],
        _bad_file(b"\x80\x04\x95cos\nsystem\n."),
        ("magic",),
    ),
    (
        "model_json",
        ["recommend", FLEXIBLE, "--model", "{path}"],
        _bad_file(b'{"format_version": 1}'),
        ("magic",),
    ),
    ("score_missing", ["score", "{path}", "--out", "{out}"], lambda t: t / "none.csv", ("file not found",)),
    ("score_empty", ["score", "{path}", "--out", "{out}"], _bad_file(b""), ("empty",)),
    (
        "score_json",
        ["score", "{path}", "--out", "{out}"],
        _bad_file(json.dumps(VALID).encode()),
        ("unknown columns",),
    ),
    ("score_binary", ["score", "{path}", "--out", "{out}"], _bad_file(b"\x00\x01" * 100), ("binary",)),
    (
        "score_bad_row",
        ["score", "{path}", "--out", "{out}"],
        _bad_file(
            (
                ",".join(VALID)
                + "\n"
                + ",".join(str(v) for v in _with(children_under_18=2.5).values())
                + "\n"
            ).encode()
        ),
        ("line 2", "children_under_18"),
    ),
    ("train_missing", ["train", "{path}", "--out", "{out}"], lambda t: t / "none.csv", ("file not found",)),
    ("train_directory", ["train", "{path}", "--out", "{out}"], lambda t: t, ("directory",)),
    (
        "train_header_only",
        ["train", "{path}", "--out", "{out}"],
        _bad_file((",".join([*VALID, "offer", "outcome"]) + "\n").encode()),
        ("no data rows",),
    ),
    (
        "train_not_utf8",
        ["train", "{path}", "--out", "{out}"],
        _bad_file(
            (
                ",".join([*VALID, "offer", "outcome"])
                + "\n"
                + ",".join(str(v) for v in _with(municipality="Hjørring").values())
                + ",praktik,job\n"
            ).encode("latin-1")
        ),
        ("UTF-8",),
    ),
]


@pytest.mark.parametrize("name, argv, make, words", OPTION_CORPUS, ids=[c[0] for c in OPTION_CORPUS])
def test_broken_rules_model_and_csv_files_exit_2(tmp_path, capsys, name, argv, make, words) -> None:
    path = str(make(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(path=path, out=out / "result") for a in argv]
    assert main(argv) == 2
    err = _one_line(capsys.readouterr().err)
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"
    assert list(out.iterdir()) == [], "a refused run writes nothing"
    if name.startswith("rules"):
        with pytest.raises(RecommenderError):
            load_rules(path)
    if name.startswith("model"):
        with pytest.raises(RecommenderError):
            load_model(path)


def test_usage_errors_are_one_line_exit_2(capsys) -> None:
    for argv in (
        ["recommend"],
        ["bogus"],
        ["recommend", FLEXIBLE, "--lang", "fr"],
        ["score", FLEXIBLE],
        ["train", "x.csv", "--out", "m", "--seed", "abc"],
        ["train", "x.csv", "--out", "m", "--jobs", "-1"],
    ):
        assert main(argv) == 2
        _one_line(capsys.readouterr().err)
    assert main(["train", "x.csv", "--out", "m", "--jobs", "many"]) == 2
    assert "--jobs: expected a whole number 0–256 / et heltal 0–256; got 'many'" in capsys.readouterr().err
    # no command at all lists the commands (spec §12, tests/cli/test_analyst_cli.py), ending in one error line
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "recommend" in err and err.strip().splitlines()[-1].startswith("fejl/error:")
    assert "Traceback" not in err


# --- a real process: nothing but one line on stderr -----------------------------------------------


@pytest.mark.parametrize("name", ["not_json", "huge_number", "cpr_id_0", "lone_surrogate", "directory"])
def test_real_process_prints_no_traceback(tmp_path, name) -> None:
    content = next(c for n, c, _ in CITIZEN_CORPUS if n == name)
    path = _materialise(tmp_path, name, content)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("RECOMMENDER_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.startswith("fejl/error:")]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "010190-1234" not in proc.stderr
