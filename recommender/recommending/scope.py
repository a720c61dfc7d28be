"""Verdicts about who the tool is for and whether any offer fits (issue 26), from ``rules.yaml``.

They come before the ranking's own verdict (``clear_first_choice`` / ``no_clear_difference``), in this
order: ``outside_target_group`` and ``already_active`` (the first ``target_group`` rule that holds), then
``no_offer_fits`` (every offer not advised against has a chance of "anden årsag" of at least the
threshold in ``no_offer_fits``). The adviser still decides, and the offers stay listed beneath for
reference. ``recommend()`` calls :func:`scope_verdict` in one place.

>>> from recommender.typology import load_rules
>>> from recommender.recommendation import Message
>>> rules = load_rules()
>>> from types import SimpleNamespace
>>> other = lambda p: SimpleNamespace(advised=True, probabilities={"other": p})
>>> ranking = Message("clear_first_choice", "…", "…")
>>> import json
>>> record = json.load(open("examples/flexible.json", encoding="utf-8"))
>>> base = rules.evaluate({**record, "health_barrier": "høj grad"})
>>> message, notes = scope_verdict(rules, base, [other(0.9), other(0.85)], ranking)
>>> message.code, [n.name for n in notes][-1]
('no_offer_fits', 'health_social')
>>> scope_verdict(rules, base, [other(0.9), other(0.5)], ranking)[0].code
'clear_first_choice'
"""

from __future__ import annotations

from collections.abc import Sequence

from recommender.numbers import percent as pct
from recommender.recommendation import Message, RankedOffer
from recommender.typology import Note, RuleResult, RuleSet

__all__ = ["SCOPE_CODES", "scope_verdict"]

#: The verdict codes this module gives, strongest first.
SCOPE_CODES = ("outside_target_group", "already_active", "no_offer_fits")


def scope_verdict(
    rules: RuleSet, result: RuleResult, offers: Sequence[RankedOffer], ranking: Message
) -> tuple[Message, tuple[Note, ...]]:
    """The verdict message to show first, and the notes (with the no-offer-fits note added if due)."""
    if result.target is not None:
        return Message(result.target.verdict, result.target.da, result.target.en), result.notes
    fits = rules.no_offer_fits
    advised = [o for o in offers if o.advised]
    if fits is None or not advised:
        return ranking, result.notes
    if all(o.probabilities["other"] >= fits.other_at_least for o in advised):
        share = pct(fits.other_at_least)
        message = Message(
            "no_offer_fits", fits.da.replace("{threshold}", share), fits.en.replace("{threshold}", share)
        )
        notes = result.notes
        if all(n.name != fits.note for n in notes):
            notes += tuple(n for n in rules.notes if n.name == fits.note)
        return message, notes
    return ranking, result.notes
