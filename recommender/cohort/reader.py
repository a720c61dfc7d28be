"""Cohort files (spec §10): read, validate and write a CSV of closed cases as one frozen :class:`Cohort`.

A cohort file has one row per closed case: every intake field of the schema (header = field codes),
``offer`` (one of the four, or empty), ``outcome`` and the optional columns ``duration_days``,
``enrolled_on``, ``closed_on``, the six ``*_closing`` registrations and ``typology_adviser`` (the
adviser's typology, issue 26). The rules-only intake fields (``vocab.RULE_ONLY``) may be left out: a
missing column reads as ``unknown``. Values may be codes, Danish or
English labels, case-insensitively. Validation is vectorised: each column is factorised once and only
its distinct values are parsed (with the same :func:`~recommender.citizen.parse_value` as a single
citizen), so 100,000 rows validate in a fraction of a second.

A file with any bad row is refused as a whole (:class:`~recommender.errors.CohortError`), naming the
line number, the field and the value of the first problems and how many rows are bad. Line numbers
count the header as line 1, so the first data row is line 2 (for a data frame: row position + 2, as if
written to CSV). Nothing is dropped or guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from recommender.cohort.columns import DATE_LABELS, MAX_PROBLEMS, date_column, parse_column, text_column
from recommender.errors import CohortError, FieldProblem, did_you_mean
from recommender.files import check_output, open_input, spreadsheet_safe, write_bytes_atomic
from recommender.text import normalise, show_key
from recommender.vocab import ANSWER, CRITERIA, DEGREE, FIELDS, OFFER, OUTCOME, RULE_ONLY, TYPOLOGY, FieldSpec

__all__ = [
    "CLOSING_COLUMNS",
    "COHORT_COLUMNS",
    "Cohort",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SYNTHETIC_ID_PREFIX",
    "Source",
    "read_citizens_chunks",
    "read_cohort",
    "write_cohort",
]

Source = Union[str, "os.PathLike[str]", pd.DataFrame, "Cohort"]

_OFFER = FieldSpec("offer", "code", "tilbud", "offer", required=False, scale=OFFER)
_OUTCOME = FieldSpec("outcome", "code", "afslutningsårsag", "outcome", scale=OUTCOME)
_DURATION = FieldSpec(
    "duration_days", "int", "forløbets længde (dage)", "duration (days)", required=False, low=0, high=3650
)
_CLOSING = tuple(
    FieldSpec(
        f"{name}_closing",
        "code",
        FIELDS[name].da + " (ved afslutning)",
        FIELDS[name].en + " (at closing)",
        required=False,
        scale=ANSWER,
    )
    for name in CRITERIA
) + (
    FieldSpec(
        "network_use_closing",
        "code",
        FIELDS["network_use"].da + " (ved afslutning)",
        FIELDS["network_use"].en + " (at closing)",
        required=False,
        scale=DEGREE,
    ),
)
#: The adviser's typology when she set one (issue 26; ``cohort export``): recorded, never a feature.
_TYPOLOGY_ADVISER = FieldSpec(
    "typology_adviser",
    "code",
    "rådgiverens typologi",
    "the adviser's typology",
    required=False,
    scale=TYPOLOGY,
)
_DATES = DATE_LABELS

_SPECS: dict[str, FieldSpec] = {
    **FIELDS,
    "offer": _OFFER,
    "outcome": _OUTCOME,
    "duration_days": _DURATION,
    **{s.name: s for s in _CLOSING},
    "typology_adviser": _TYPOLOGY_ADVISER,
}

CLOSING_COLUMNS: tuple[str, ...] = tuple(s.name for s in _CLOSING)
#: Columns every cohort frame has, in canonical order: the intake fields, then ``offer`` and ``outcome``.
COHORT_COLUMNS: tuple[str, ...] = (*FIELDS, "offer", "outcome")
#: Optional columns, kept (in this order) only when the file has them.
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "duration_days",
    "enrolled_on",
    "closed_on",
    *CLOSING_COLUMNS,
    "typology_adviser",
)
#: Columns a file must have (optional intake fields may be absent and then take their default).
REQUIRED_COLUMNS: tuple[str, ...] = (*(n for n, s in FIELDS.items() if s.required), "offer", "outcome")
_KNOWN = (*COHORT_COLUMNS, *OPTIONAL_COLUMNS)
#: Every citizen id the synthetic generator draws is this prefix and seven digits (``syn0000001``).
SYNTHETIC_ID_PREFIX = "syn"


@dataclass(frozen=True, eq=False, repr=False)
class Cohort:
    """A validated cohort: the frame (one row per case, codes, canonical dtypes) and its fingerprint.

    Two cohorts are equal when their fingerprints are (same validated content, whatever the spelling
    of the file: codes or Danish labels give the same fingerprint).
    """

    frame: pd.DataFrame
    fingerprint: str
    n_rows: int
    n_with_offer: int
    source: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (no rows): source, fingerprint, sizes, columns and outcome counts."""
        outcomes = self.frame["outcome"].value_counts(sort=False)
        offers = self.frame["offer"].value_counts(sort=False)
        return {
            "source": self.source,
            "fingerprint": self.fingerprint,
            "n_rows": self.n_rows,
            "n_with_offer": self.n_with_offer,
            "columns": list(self.frame.columns),
            "outcome_counts": {str(k): int(v) for k, v in outcomes.items()},
            "offer_counts": {str(k): int(v) for k, v in offers.items()},
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cohort) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @property
    def synthetic(self) -> bool:
        """True when the synthetic generator drew this cohort: in memory its source is ``<synth …>``;
        read back from its file, every citizen id is :data:`SYNTHETIC_ID_PREFIX` and seven digits.
        Reports and models label such a cohort *syntetisk*."""
        if str(self.source).startswith("<synth"):
            return True
        ids = self.frame["citizen_id"].astype(str)
        return bool(len(ids)) and bool(ids.str.fullmatch(SYNTHETIC_ID_PREFIX + r"\d{7}").all())

    def __repr__(self) -> str:
        return (
            f"Cohort(source={self.source!r}, n_rows={self.n_rows}, "
            f"n_with_offer={self.n_with_offer}, fingerprint={self.fingerprint[:12]!r}…)"
        )


# --------------------------------------------------------------------------------------- reading

#: The most bytes a cohort or citizens CSV may hold (counted as read: pipes and devices too).
MAX_CSV_BYTES = 4 * 1024**3


@contextmanager
def _open_csv(path: Path) -> Iterator[tuple[str, list[str], io.TextIOWrapper]]:
    """Open a CSV once (any kind of file, capped); yield its separator, header and a text stream.

    Line endings may be LF, CRLF or CR only (Excel's "CSV (Macintosh)"): all are read as line ends.
    """
    name = str(path)
    source = open_input(
        path, limit=MAX_CSV_BYTES, what="CSV file", error=lambda message: CohortError(message, path=name)
    )
    text = io.TextIOWrapper(io.BufferedReader(source, 1 << 16), encoding="utf-8-sig", newline=None)
    try:
        head = source.peek(65536)
        if not head.strip():
            raise CohortError("filen er tom / the file is empty", path=name)
        if b"\x00" in head:
            raise CohortError("ikke en CSV-fil (binært indhold) / not a CSV file (binary content)", path=name)
        try:
            first = re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CohortError(f"ikke UTF-8 / not UTF-8 text ({exc.reason})", path=name) from None
        sep = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=sep), [])
        yield sep, [_column(h) for h in header], text
    except UnicodeDecodeError as exc:
        raise CohortError(f"ikke UTF-8 / not UTF-8 text ({exc.reason})", path=name) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = " ".join(str(exc).split())[:200]
        raise CohortError(f"ikke en gyldig CSV-fil / not a valid CSV file ({msg})", path=name) from None
    finally:
        text.close()


_CSV_OPTIONS = dict(dtype=object, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")


def _blank(frame: pd.DataFrame) -> np.ndarray:
    """Rows that are a blank line (every cell empty)."""
    if frame.shape[1] == 0:
        return np.ones(len(frame), dtype=bool)
    cells = frame.to_numpy(dtype=object)
    return np.all((cells == "") | pd.isna(cells), axis=1)


def _trailing_blanks(frame: pd.DataFrame) -> int:
    blank = _blank(frame)
    n = len(blank)
    return n - (int(np.flatnonzero(~blank)[-1]) + 1 if (~blank).any() else 0)


def _read_csv(path: Path) -> pd.DataFrame:
    name = str(path)
    with _open_csv(path) as (sep, header, text):
        _check_header(header, name)
        try:
            frame = pd.read_csv(text, sep=sep, **_CSV_OPTIONS)
        except ValueError as exc:
            if isinstance(exc, UnicodeDecodeError):
                raise
            msg = " ".join(str(exc).split())[:200]
            raise CohortError(f"ikke en gyldig CSV-fil / not a valid CSV file ({msg})", path=name) from None
    frame.columns = [_column(c) for c in frame.columns]
    # Trailing blank lines are layout, not data; a blank line inside the data is a bad row.
    trailing = _trailing_blanks(frame)
    return frame.iloc[: len(frame) - trailing] if trailing else frame


def _column(name: object) -> str:
    """A column name as compared: normalised text (look-alike characters), stripped, lower case."""
    return normalise(str(name)).strip().lower()


def _show_column(name: str) -> str:
    """A column name for a message: shortened, and never a CPR number (a pasted data row as header)."""
    return show_key(name)


def _check_header(
    columns: Sequence[str],
    path: str | None,
    known: Sequence[str] = _KNOWN,
    required: Sequence[str] = REQUIRED_COLUMNS,
) -> None:
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise CohortError(f"kolonnen {_show_column(col)} står to gange / column appears twice", path=path)
        seen.add(col)
    unknown = [c for c in columns if c not in known]
    if unknown:
        hints = []
        for c in unknown[:5]:
            guess = did_you_mean(c, known)
            hints.append(_show_column(c) + (f" (did you mean / mente du {guess!r}?)" if guess else ""))
        raise CohortError(
            "ukendte kolonner / unknown columns: "
            + ", ".join(hints)
            + f"; allowed / tilladt: {', '.join(known)}",
            path=path,
        )
    missing = [c for c in required if c not in seen]
    if missing:
        raise CohortError("manglende kolonner / missing columns: " + ", ".join(missing), path=path)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A caller's frame as strings, the way a CSV file would give it ("" for missing)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            labels = np.array([*map(str, s.cat.categories), ""], dtype=object)
            text = pd.Series(labels[s.cat.codes.to_numpy()], dtype=object)
        elif pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any():
            text = pd.Series(np.where(s.to_numpy(dtype=bool), "true", "false"), dtype=object)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            text = s.dt.strftime("%Y-%m-%d").astype(object).fillna("")
        elif _column(col) in _DATES and s.map(lambda v: isinstance(v, date)).any():
            # dates held as Python/pandas date objects in an object column (e.g. after astype(object))
            text = s.map(
                lambda v: v.strftime("%Y-%m-%d") if isinstance(v, date) else ("" if pd.isna(v) else str(v))
            ).astype(object)
        else:
            if pd.api.types.is_float_dtype(s.dtype) and (s.dropna() % 1 == 0).all():
                s = s.astype("Int64")
            values = s.astype(object)
            text = values.where(values.notna(), "").astype(str)
        out[_column(col)] = text.to_numpy(dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _validate(
    text: pd.DataFrame,
    source: str,
    path: str | None,
    *,
    known: Sequence[str] = _KNOWN,
    required: Sequence[str] = REQUIRED_COLUMNS,
    always: Sequence[str] = COHORT_COLUMNS,
    lines: np.ndarray | None = None,
) -> pd.DataFrame:
    """Validate text columns into typed ones; ``lines[r]`` is the file line of row ``r`` (default r + 2)."""
    _check_header(list(text.columns), path, known, required)
    n = len(text)
    if n == 0:
        raise CohortError("ingen rækker / no data rows", path=path)
    problems: list[tuple[int, FieldProblem]] = []
    bad = np.zeros(n, dtype=bool)
    columns: dict[str, Any] = {}
    present = [c for c in known if c in text.columns or c in always]
    for name in present:
        if name in _DATES:
            columns[name] = date_column(name, text[name], problems, bad)
            continue
        spec = _SPECS[name]
        raw = text[name] if name in text.columns else pd.Series([""] * n, dtype=object)
        if spec.kind == "str":
            columns[name] = pd.Series(text_column(spec, raw, problems, bad), dtype=object)
            continue
        parsed, codes = parse_column(spec, raw, problems, bad)
        if spec.kind == "code":
            assert spec.scale is not None
            position = {code: i for i, code in enumerate(spec.scale.codes)}
            index = np.array([position.get(v, -1) for v in parsed], dtype=np.int64)
            columns[name] = pd.Categorical.from_codes(index[codes], categories=list(spec.scale.codes))
        elif spec.kind == "int":
            if spec.required:
                columns[name] = np.array([v if v is not None else 0 for v in parsed], dtype=np.int64)[codes]
            else:
                columns[name] = pd.array(parsed, dtype="Int64")[codes]
        else:  # bool: parse_value gave True/False (None only on rows already reported bad)
            columns[name] = np.array([v is True for v in parsed], dtype=bool)[codes]
    if "enrolled_on" in columns and "closed_on" in columns:
        order = columns["closed_on"] < columns["enrolled_on"]  # NaT compares False
        if order.any():
            bad |= order
            for r in np.flatnonzero(order)[:MAX_PROBLEMS]:
                problems.append(
                    (
                        int(r) + 2,
                        FieldProblem(
                            "closed_on",
                            text["closed_on"].iloc[r],
                            "a date on or after enrolled_on / en dato på eller efter indskrevet dato",
                            _DATES["closed_on"],
                        ),
                    )
                )
    if bad.any():
        order_of = {name: i for i, name in enumerate(_KNOWN)}
        problems.sort(key=lambda lp: (lp[0], order_of.get(lp[1].field, 99)))
        n_bad = int(bad.sum())
        # the column parsers count row r as line r + 2
        where = (lambda line: line) if lines is None else (lambda line: int(lines[line - 2]))
        raise CohortError(
            f"{n_bad} af/of {n} rækker/rows har fejl/are invalid",
            path=path,
            problems=[(where(line), p) for line, p in problems[:MAX_PROBLEMS]],
            n_bad_rows=n_bad,
        )
    return pd.DataFrame(columns, index=pd.RangeIndex(n))[present]


def _fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of a canonical, version-stable serialisation of the validated frame."""
    digest = hashlib.sha256(b"p500-cohort-v1\n")
    for name in frame.columns:
        s = frame[name]
        if name in RULE_ONLY and bool((s == FIELDS[name].default).all()):
            continue  # a file without the column reads as all "uoplyst": the same cohort (issue 26)
        digest.update(f"\n#{name}:{s.dtype}\n".encode())
        if isinstance(s.dtype, pd.CategoricalDtype):
            digest.update("\x1f".join(s.cat.categories).encode())
            digest.update(s.cat.codes.to_numpy().astype("<i2").tobytes())
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            digest.update(s.to_numpy().astype("datetime64[D]").astype("<i8").tobytes())
            digest.update(s.isna().to_numpy().tobytes())
        elif isinstance(s.dtype, pd.Int64Dtype):
            digest.update(s.fillna(-1).to_numpy(dtype="<i8").tobytes())
            digest.update(s.isna().to_numpy().tobytes())
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            values = s.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = "\x00"
            digest.update("\x1f".join(values.tolist()).encode())
        else:
            digest.update(s.to_numpy().astype("<i8").tobytes())
    return digest.hexdigest()


def read_cohort(source: Source) -> Cohort:
    """Read and validate a cohort CSV file (or a data frame) into a :class:`Cohort`.

    >>> frame = pd.DataFrame([{
    ...     "citizen_id": "A1", "municipality": "aarhus", "years_in_denmark": 3,
    ...     "children_under_18": 1, "danish_course": "du2", "education_home": "grundskole",
    ...     "education_dk": "none", "contact_route": "outreach", "active_job_seeker": "ja",
    ...     "geographically_mobile": "delvist", "searches_broadly": "no",
    ...     "can_start_within_14_days": "yes", "wants_employment": "yes",
    ...     "language_sufficient": "i nogen grad", "spouse_support": "high", "network_use": "low",
    ...     "job_goal_level": "unskilled", "education_plan": False, "offer": "praktik",
    ...     "outcome": "job"}])
    >>> cohort = read_cohort(frame)
    >>> cohort.n_rows, cohort.n_with_offer, cohort.frame.loc[0, "offer"], cohort.frame.loc[0, "municipality"]
    (1, 1, 'internship', 'Aarhus')
    >>> read_cohort(frame.assign(outcome="job?"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.CohortError: Kohortefil afvist / cohort file refused: 1 af/of 1 rækker/rows har fejl/are invalid: line 2: outcome (afslutningsårsag): forventede/expected en af / one of: job (...); fik/got 'job?'; mente du/did you mean 'job'?
    """  # noqa: E501
    if isinstance(source, Cohort):
        return source
    if isinstance(source, pd.DataFrame):
        text, name, path = _as_text(source), "<frame>", None
    elif isinstance(source, (str, os.PathLike)):
        p = Path(source)
        text, name, path = _read_csv(p), str(source), str(source)
    else:
        raise CohortError(f"expected a CSV path or a pandas DataFrame; got {type(source).__name__}")
    frame = _validate(text, name, path)
    n_offer = int(frame["offer"].notna().sum())
    return Cohort(
        frame=frame, fingerprint=_fingerprint(frame), n_rows=len(frame), n_with_offer=n_offer, source=name
    )


def read_citizens_chunks(path: str | os.PathLike[str], chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
    """Read a CSV of intake records as validated frames of ``chunksize`` rows.

    A cohort file is accepted too: its columns beyond the intake record (``offer``, ``outcome``,
    ``duration_days``, the dates and the closing registrations) are ignored, not validated. Each chunk
    is validated like a cohort (codes or labels, vectorised); a bad row raises :class:`CohortError`
    with its file line. A ``citizen_id`` seen in an earlier chunk is refused too.
    Memory stays flat: only one chunk (and the set of ids seen) is held at a time.
    """
    p = Path(path)
    known = tuple(FIELDS)
    required = tuple(n for n, s in FIELDS.items() if s.required)
    seen: set[str] = set()
    line = 2  # file line of the next row read
    pending = pd.DataFrame()  # blank rows at the end of the last chunk: trailing, or a bad row
    with _open_csv(p) as (sep, header, text):
        _check_header(header, str(p), _KNOWN, required)
        for raw in pd.read_csv(text, sep=sep, chunksize=chunksize, **_CSV_OPTIONS):
            raw.columns = [_column(c) for c in raw.columns]
            raw = raw[[c for c in raw.columns if c in FIELDS]]  # a cohort file's outcome columns
            raw = pd.concat([pending, raw.reset_index(drop=True)], ignore_index=True)
            lines = np.arange(line - len(pending), line - len(pending) + len(raw))
            line += len(raw) - len(pending)
            trailing = _trailing_blanks(raw)
            pending = raw.iloc[len(raw) - trailing :]
            raw, lines = raw.iloc[: len(raw) - trailing].reset_index(drop=True), lines[: len(raw) - trailing]
            if raw.empty:
                continue
            frame = _validate(raw, str(p), str(p), known=known, required=required, always=known, lines=lines)
            ids = frame["citizen_id"].to_numpy(dtype=object)
            repeated = [i for i, cid in enumerate(ids) if cid in seen]
            if repeated:
                r = repeated[0]
                raise CohortError(
                    "citizen_id står to gange / appears twice",
                    path=str(p),
                    problems=[
                        (
                            int(lines[r]),
                            FieldProblem(
                                "citizen_id", ids[r], "a unique id / et unikt id", FIELDS["citizen_id"].da
                            ),
                        )
                    ],
                    n_bad_rows=len(repeated),
                )
            seen.update(ids)
            yield frame


# --------------------------------------------------------------------------------------- writing


def _to_csv_text(frame: pd.DataFrame) -> str:
    out = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[name] = np.where(s.to_numpy(), "true", "false")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[name] = s.dt.strftime("%Y-%m-%d").fillna("")
        else:
            out[name] = s.astype(object).where(s.notna(), "")
    buffer = io.StringIO()
    spreadsheet_safe(pd.DataFrame(out)).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_cohort(cohort_or_frame: Cohort | pd.DataFrame, path: str | os.PathLike[str]) -> Cohort:
    """Validate (if given a frame) and write the cohort as a canonical CSV of codes, atomically.

    The file is written to a temporary file in the same directory and moved into place, so readers
    never see half a file. The same cohort always gives the same bytes. Returns the written cohort.
    """
    target = Path(path)
    source = cohort_or_frame.source if isinstance(cohort_or_frame, Cohort) else None
    check_output(target, inputs=(source,))
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise CohortError("mappen findes ikke / the directory does not exist", path=str(target))
    cohort = read_cohort(cohort_or_frame)
    data = _to_csv_text(cohort.frame).encode("utf-8")
    write_bytes_atomic(target, [data], inputs=(source,))
    return Cohort(
        frame=cohort.frame,
        fingerprint=cohort.fingerprint,
        n_rows=cohort.n_rows,
        n_with_offer=cohort.n_with_offer,
        source=str(target),
    )
