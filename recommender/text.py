"""Text as it enters the package: one normalisation, one CPR check, one safe way to show text.

Every piece of text that enters the package (an intake value, a JSON key, a cohort cell or column name)
goes through :func:`normalise` before anything is checked: Unicode NFKC, invisible characters removed
(format characters such as zero-width spaces, soft hyphens and BOMs, and every other *default-ignorable*
code point: the combining grapheme joiner U+034F, variation selectors, Hangul fillers U+3164/U+FFA0),
every dash and the minus sign as ``-``, digits of any script as ASCII digits, every kind of space as
`` ``. Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks) are *kept*, so that :data:`CONTROL`
finds them and the text is refused: a reversed ``4321-091010`` would be shown as a CPR number.

A CPR number is ten digits shaped DDMMYY-NNNN with up to three separators of any kind (dash, dot, comma,
middle dot, space, slash …) between any two digits: so ``010190‑1234`` with a non-breaking hyphen,
``٠١٠١٩٠-١٢٣٤`` in Arabic-Indic digits, ``0101​90-1234`` with a zero-width space, ``010190,1234`` and
``01 01 90 12 34`` are the same CPR number as ``010190-1234`` (and are refused), and two look-alike ids
are one id.

:func:`redact` is the one function every outgoing message (API error, page, log line) passes through: it
replaces each CPR-shaped run, in any disguise, by :data:`CPR_SHOWN`. :func:`show_key` is how a key or
column name that is not ours is shown in a message (CPR numbers hidden, control characters escaped,
shortened); :func:`printable` makes any text safe for a terminal.

>>> normalise("P500\u20110001\u200b")
'P500-0001'
>>> has_cpr("٠١٠١٩٠–١٢٣٤"), has_cpr("P500-0001")
(True, False)
>>> show_key("0101901234"), show_key("x\\x1b[2J")
('<CPR-nummer/CPR number>', "'x\\\\x1b[2J'")
>>> municipality_key("Lyngby–Taarbæk") == municipality_key("lyngby taarbaek")
True
>>> has_cpr("010190\u00b71234"), has_cpr("01\u034f0190-1234"), has_cpr("0101901234\u3164")
(True, True, True)
>>> redact("fik/got '01,01,90 1234' i/in comment")
"fik/got '<CPR-nummer/CPR number>' i/in comment"
>>> CONTROL.search(normalise("\u202e4321-091010")) is not None
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BIDI",
    "CONTROL",
    "CPR",
    "CPR_SHOWN",
    "FORMULA_START",
    "has_cpr",
    "municipality_key",
    "normalise",
    "printable",
    "redact",
    "show_key",
]

# Between two digits of a CPR number: up to three separators of any kind (never a letter, a digit or a
# control character, so NUL-joined cells and separate lines stay apart).
_S = r"[^\w\x00-\x1f]{0,3}"
# A Danish CPR number (after normalise): DDMMYY and four digits, separators anywhere between the digits.
CPR = re.compile(
    rf"(?<!\d)(?:0{_S}[1-9]|[12]{_S}\d|3{_S}[01]){_S}(?:0{_S}[1-9]|1{_S}[0-2])"
    + "".join(rf"{_S}\d" for _ in range(6))
    + r"(?!\d)"
)
#: Bidirectional controls (embeddings, overrides, isolates, marks): text holding one is refused.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Control characters, lone surrogates, private-use characters and bidirectional controls: never typed
# text, break output (or reverse it on screen).
CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
#: What a CPR-shaped key or value is shown as, everywhere.
CPR_SHOWN = "<CPR-nummer/CPR number>"
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

_DASHES = "\u2212\ufe63\uff0d"  # minus sign, small and fullwidth hyphen-minus (besides category Pd)
_SHOW = 40
# Unicode's default-ignorable code points that are not format characters (DerivedCoreProperties.txt):
# invisible, so removed like the format characters.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)


def _fold(ch: str) -> str:
    cat = unicodedata.category(ch)
    if cat == "Cf":  # zero-width space/joiners, soft hyphen, BOM: invisible (bidi controls are kept)
        return ch if BIDI.match(ch) else ""
    if _IGNORABLE.match(ch):  # combining grapheme joiner, variation selectors, Hangul fillers
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
    """Whether ``text`` holds a CPR-number-shaped run of digits, in any spelling (read either way
    round when it holds a bidirectional control)."""
    plain = normalise(text)
    if CPR.search(plain) is not None:
        return True
    return BIDI.search(plain) is not None and CPR.search(plain[::-1]) is not None


def redact(text: str) -> str:
    """``text`` with every CPR-shaped run, in any disguise, replaced by :data:`CPR_SHOWN`.

    The one function every outgoing message passes through (API errors, web pages, log lines). Text
    without a CPR number is returned unchanged, so ordinary messages keep their exact wording.

    >>> redact("citizen_id: fik/got '0101\u200b90‑1234'; P500-0001 ok")
    "citizen_id: fik/got '<CPR-nummer/CPR number>'; P500-0001 ok"
    >>> redact("ingen CPR her: P500-0001, 2026-01-01")
    'ingen CPR her: P500-0001, 2026-01-01'
    """
    if not has_cpr(text):
        return text
    # Normalise character by character, remembering where each normalised character came from, so
    # the original text is kept everywhere but in the CPR-shaped spans.
    plain: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = ch if ch.isascii() else "".join(map(_fold, unicodedata.normalize("NFKC", ch)))
        plain.extend(folded)
        origin.extend([i] * len(folded))
    out, last = [], 0
    for match in CPR.finditer("".join(plain)):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        out += [text[last:start], CPR_SHOWN]
        last = end
    result = "".join(out) + text[last:]
    if has_cpr(result):  # a disguise only the whole text shows (e.g. reversed by a bidi control)
        result = re.sub(r"\d", "#", unicodedata.normalize("NFKC", result))
    return result


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
