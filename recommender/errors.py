"""The package's errors: one base, :class:`RecommenderError`, and subclasses that carry their facts.

Every error the package raises on bad input, bad rules, bad cohort files or refused model files is a
``RecommenderError`` (itself a ``ValueError``), so callers can catch one type. Messages follow the form
"name, expected, got" and never echo a whole record: values are shortened by :func:`show_value`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recommender.text import redact

__all__ = [
    "CohortError",
    "FieldProblem",
    "InvalidCitizenError",
    "InvalidOverrideError",
    "ModelFileError",
    "OutputError",
    "RecommenderError",
    "RulesError",
    "did_you_mean",
    "show_value",
]

_MAX_SHOWN = 40
_MAX_MESSAGE = 2000  # the longest message part a RulesError carries
_MAX_PROBLEMS = 25  # problems spelt out in one InvalidCitizenError message (the schema has 23 fields)


def show_value(value: object, limit: int = _MAX_SHOWN) -> str:
    """Return a short, safe representation of ``value`` for an error message.

    Long values are cut so that messages and logs never carry a whole record or a huge string, and a
    CPR-shaped run in any disguise is replaced (:func:`recommender.text.redact`).

    >>> show_value("du4")
    "'du4'"
    >>> show_value("x" * 100)[:12]
    "'xxxxxxxxxxx"
    >>> show_value("x" * 100).endswith("…' (100 tegn/chars)")
    True
    >>> show_value("borger 010190\u00b71234")
    "'borger <CPR-nummer/CPR number>'"
    """
    if isinstance(value, str):
        value = redact(value)
        if len(value) > limit:
            return repr(value[:limit] + "…") + f" ({len(value)} tegn/chars)"
        return repr(value)
    if isinstance(value, (list, tuple, dict, set)):
        return f"<{type(value).__name__} med/with {len(value)} elementer/items>"
    if isinstance(value, int) and value.bit_length() > 128:  # repr() refuses ints over 4300 digits
        digits = int(value.bit_length() * 0.30103)
        return f"<{'-' if value < 0 else ''}tal/number med/with ~{digits} cifre/digits>"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def did_you_mean(word: object, candidates: Iterable[str]) -> str | None:
    """The closest candidate to ``word`` if one is close enough, else ``None``.

    >>> did_you_mean("wants_employmnt", ["wants_employment", "active_job_seeker"])
    'wants_employment'
    >>> did_you_mean("zzz", ["yes", "no"]) is None
    True
    """
    if not isinstance(word, str):
        return None
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.strip().lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


class RecommenderError(ValueError):
    """Base of every error the package raises on bad input, rules, cohort files or model files."""


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: which field, the value given, what is allowed, and a suggestion if any."""

    field: str
    value: object
    expected: str
    label_da: str = ""
    allowed: tuple[str, ...] = ()
    suggestion: str | None = None
    show: bool = True  # False for values that must never be echoed (CPR-number-shaped ids)

    def message(self) -> str:
        """``field (dansk): forventede/expected …; fik/got …; mente du/did you mean …?``
        (Danish first, as in every message an adviser sees)."""
        name = f"{self.field} ({self.label_da})" if self.label_da else self.field
        got = show_value(self.value) if self.show else "<skjult/hidden>"
        text = f"{name}: forventede/expected {self.expected}; fik/got {got}"
        if self.suggestion:
            text += f"; mente du/did you mean {self.suggestion!r}?"
        return text


def _join(problems: Sequence[FieldProblem]) -> str:
    return "; ".join(p.message() for p in problems)


class InvalidCitizenError(RecommenderError):
    """An intake record with one or more bad fields; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[FieldProblem]):
        self.problems = tuple(problems)
        first = self.problems[0]
        self.field = first.field
        self.value = first.value
        self.allowed = first.allowed
        n = len(self.problems)
        head = "Ugyldigt borgerdata / invalid citizen record"
        text = _join(self.problems[:_MAX_PROBLEMS])  # every field of a record fits; 20,000 junk keys do not
        if n > _MAX_PROBLEMS:
            text += f"; … og/and {n - _MAX_PROBLEMS} flere/more"
        super().__init__(f"{head} ({n} fejl/problem{'s' if n > 1 else ''}): {text}")


class InvalidOverrideError(RecommenderError):
    """The adviser's typology override is refused: an unknown typology, or no reason (issue 26).

    ``field`` is ``typology`` or ``typology_reason``; ``value`` and ``allowed`` as in a field problem.
    """

    def __init__(self, problem: FieldProblem):
        self.problems = (problem,)
        self.field, self.value, self.allowed = problem.field, problem.value, problem.allowed
        super().__init__(f"Rådgiverens typologi afvist / adviser's typology refused: {problem.message()}")


class RulesError(RecommenderError):
    """A rules file that cannot be used: names the rule, the line and what is wrong."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        rule: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
        allowed: Sequence[str] = (),
        suggestion: str | None = None,
    ):
        self.path, self.rule, self.line, self.field = path, rule, line, field
        self.value, self.allowed, self.suggestion = value, tuple(allowed), suggestion
        where = []
        if path:
            where.append(str(path) + (f":{line}" if line else ""))
        elif line:
            where.append(f"line {line}")
        if rule:
            where.append(f"rule {show_value(rule)}")
        if len(message) > _MAX_MESSAGE:  # a value pasted into a message by mistake: never megabytes
            message = message[:_MAX_MESSAGE] + f"… ({len(message)} tegn/chars)"
        text = (", ".join(where) + ": " if where else "") + message
        if suggestion:
            text += f"; did you mean {suggestion!r}?"
        super().__init__(f"Fejl i regler / rules error: {text}")


class CohortError(RecommenderError):
    """A cohort file that is refused as a whole; ``problems`` are ``(line, FieldProblem)`` pairs."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        problems: Sequence[tuple[int, FieldProblem]] = (),
        n_bad_rows: int = 0,
    ):
        self.path = path
        self.problems = tuple(problems)
        self.n_bad_rows = n_bad_rows
        self.line = self.problems[0][0] if self.problems else None
        self.field = self.problems[0][1].field if self.problems else None
        self.value = self.problems[0][1].value if self.problems else None
        text = message
        if self.problems:
            shown = "; ".join(f"line {line}: {p.message()}" for line, p in self.problems[:5])
            more = len(self.problems) - 5
            text += ": " + shown + (f"; … and {more} more problems" if more > 0 else "")
        prefix = f"{path}: " if path else ""
        super().__init__(f"Kohortefil afvist / cohort file refused: {prefix}{text}")


class ModelFileError(RecommenderError):
    """A model file that is refused (missing, tampered, truncated, incompatible); says why."""

    def __init__(self, message: str, *, path: str | None = None):
        self.path = path
        prefix = f"{path}: " if path else ""
        super().__init__(f"Modelfil afvist / model file refused: {prefix}{message}")


class OutputError(RecommenderError):
    """An output path the package refuses to write to (the input itself, a device, a FIFO, a link, …)."""

    def __init__(self, message: str, *, path: str | None = None):
        self.path = path
        prefix = f"{path}: " if path else ""
        super().__init__(f"Uddata afvist / output refused: {prefix}{message}")
