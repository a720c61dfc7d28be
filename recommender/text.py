"""Text as it enters the package: one normalisation, one CPR check, one safe way to show text.

Every piece of text that enters the package (an intake value, a JSON key, a cohort cell or column name)
goes through :func:`normalise` before anything is checked: Unicode NFKC, invisible format characters
(zero-width spaces, soft hyphens, direction marks, BOMs) removed, every dash and the minus sign as
``-``, digits of any script as ASCII digits, every kind of space as `` ``. So ``010190‑1234`` with a
non-breaking hyphen, ``٠١٠١٩٠-١٢٣٤`` in Arabic-Indic digits or ``0101​90-1234`` with a zero-width space
are the same CPR number as ``010190-1234`` (and are refused), and two look-alike ids are one id.

:func:`show_key` is how a key or column name that is not ours is shown in a message (CPR numbers
hidden, control characters escaped, shortened); :func:`printable` makes any text safe for a terminal.

>>> normalise("P500\u20110001\u200b")
'P500-0001'
>>> has_cpr("٠١٠١٩٠–١٢٣٤"), has_cpr("P500-0001")
(True, False)
>>> show_key("0101901234"), show_key("x\\x1b[2J")
('<CPR-nummer/CPR number>', "'x\\\\x1b[2J'")
>>> municipality_key("Lyngby–Taarbæk") == municipality_key("lyngby taarbaek")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CONTROL", "CPR", "CPR_SHOWN", "FORMULA_START", "has_cpr", "municipality_key", "normalise",
           "printable", "show_key"]

# A Danish CPR number: DDMMYY followed by four digits, with or without one separator (after normalise).
CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s./_:]?\d{4}(?!\d)")
# Control characters, lone surrogates and private-use characters: never typed text, break output.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
#: What a CPR-shaped key or value is shown as, everywhere.
CPR_SHOWN = "<CPR-nummer/CPR number>"
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

_DASHES = "\u2212\ufe63\uff0d"  # minus sign, small and fullwidth hyphen-minus (besides category Pd)
_SHOW = 40


def _fold(ch: str) -> str:
    cat = unicodedata.category(ch)
    if cat == "Cf":  # zero-width space/joiners, soft hyphen, BOM, direction marks: invisible
        return ""
    if cat == "Pd" or ch in _DASHES:
        return "-"
    if cat == "Zs":
        return " "
    if cat == "Nd" and not ch.isascii():
        return str(unicodedata.digit(ch))
    return ch


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, dashes, spaces and digits made ASCII.

    Control characters other than the invisible format ones are kept, so the check that refuses them
    still sees them.

    >>> normalise("ＡＢ\u00ad１２") , normalise("Lyngby\u2013Taarbæk") , normalise("a\u00a0b")
    ('AB12', 'Lyngby-Taarbæk', 'a b')
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(map(_fold, text)) if not text.isascii() else text


def has_cpr(text: str) -> bool:
    """Whether ``text`` holds a CPR-number-shaped run of digits, in any spelling."""
    return CPR.search(normalise(text)) is not None


def printable(text: str) -> str:
    """``text`` with control and other non-printable characters escaped (safe for a terminal).

    >>> printable("ok\\x1b]0;owned\\x07 æ")
    'ok\\\\x1b]0;owned\\\\x07 æ'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def show_key(key: object, limit: int = _SHOW) -> str:
    """A key or column name that is not ours, for a message: CPR hidden, escaped, shortened."""
    text = key if isinstance(key, str) else str(key)
    if has_cpr(text):
        return CPR_SHOWN
    short = text[:limit] + ("…" if len(text) > limit else "")
    return repr(short) if not short.isprintable() else short


_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ö": "o", "ä": "ae", "ü": "u"})


def municipality_key(text: str) -> str:
    """A spelling-insensitive key for a municipality name (case, accents, ø/o, å/aa, dashes, spaces).

    >>> municipality_key("Hjørring") == municipality_key("HJORRING") == municipality_key("Hjo\u0308rring")
    True
    """
    folded = normalise(unicodedata.normalize("NFC", text)).casefold().translate(_LETTERS)
    plain = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "-", plain.strip())
