"""The adviser's screen: a :class:`Recommendation` as readable text, in Danish (default) or English.

Its words are :data:`recommender.phrases.PHRASES` (the web page's result page reuses them), its numbers
are written by :mod:`recommender.numbers`."""

from __future__ import annotations

from recommender.numbers import decimal, percent
from recommender.phrases import PHRASES, SUPPORT_WORDS, phrase
from recommender.recommendation import Recommendation, value_label
from recommender.vocab import FIELDS, OUTCOME

__all__ = ["render"]


def render(rec: Recommendation, lang: str = "da") -> str:
    """The recommendation as the adviser's screen (plain text, fixed width)."""
    i = 0 if lang == "da" else 1
    out: list[str] = []
    add = out.append
    add(phrase("title", lang).format(id=rec.citizen_id))
    add("=" * len(out[0]))
    if rec.provenance is not None:  # where the numbers come from, before any number
        add(rec.provenance.text(lang))
    if rec.verdict_message is not None:
        add(f"{phrase('verdict', lang)}: {rec.verdict_message.text(lang)}")
        if rec.ranking_message is not None:  # a target-group or no-offer-fits verdict came first
            add(f"  {phrase('ranking_verdict', lang)}: {rec.ranking_message.text(lang)}")
    top = [w for w in rec.warnings if w.code == "sparse_data"]
    for warning in top:
        add(f"{phrase('warn', lang)}: {warning.text(lang)}")
    add("")
    typ = rec.typology
    label = typ.label_da if lang == "da" else typ.label_en
    desc = typ.description_da if lang == "da" else typ.description_en
    rule = typ.rule_da if lang == "da" and typ.rule_da else typ.rule
    add(f"{phrase('typology', lang)}: {label}  ({phrase('rule', lang)} «{rule}»: {desc})")
    for c in typ.conditions:
        mark = "✓" if c.met else "✗"
        name = FIELDS[c.field].da if lang == "da" else FIELDS[c.field].en
        add(f"  {mark} {name}: {value_label(c.field, c.value, lang)}")
    for note in typ.notes:
        add(f"  {phrase('guidance', lang)}: {note.da if lang == 'da' else note.en}")
    add("")
    lf = rec.labour_force
    met = sum(r.met for r in lf.criteria.values())
    status = phrase("yes" if lf.active else "no", lang)
    add(f"{phrase('lf', lang)}: {status} — {phrase('lf_met', lang).format(met=met, n=len(lf.criteria))}")
    for name, r in lf.criteria.items():
        field = FIELDS[name].da if lang == "da" else FIELDS[name].en
        add(f"  {'✓' if r.met else '✗'} {field}: {value_label(name, r.value, lang)}")
    add("")
    add(phrase("offers", lang))
    head = PHRASES["head"][i]
    add(f"  {head[0]:<2} {head[1]:<20} {head[2]:<10} {head[3]:>11}  {head[4]}")
    weights = ", ".join(
        f"{OUTCOME.label(k, lang).split(' /')[0]} {decimal(w, lang=lang).rstrip('0').rstrip(',.')}"
        for k, w in rec.weights.items()
    )
    add(f"  {phrase('legend', lang).format(w=weights, lvl=round(100 * rec.model.interval_level))}")
    if rec.order_rule is not None:
        add(f"  {rec.order_rule.text(lang)}")
    for o in rec.offers:
        name = o.label_da if lang == "da" else o.label_en
        advised = phrase("yes" if o.advised else "advised_against", lang)
        lo, hi = o.score_interval
        add(
            f"  {o.rank:<2} {name:<20} {advised:<10} {decimal(o.score, lang=lang):>11}  "
            f"{decimal(lo, lang=lang)}–{decimal(hi, lang=lang)}"
        )
        chances = ", ".join(
            f"{OUTCOME.label(k, lang)} {percent(p)} "
            f"({percent(o.intervals[k][0])}–{percent(o.intervals[k][1])})"
            for k, p in o.probabilities.items()
        )
        add(f"       {phrase('chances', lang)}: {chances}")
        support = SUPPORT_WORDS[o.support][i]
        add(
            f"       {phrase('support', lang).format(support=support, n=o.evidence)}; "
            f"{phrase('p_best', lang).format(p=percent(o.p_best))}"
            if o.advised
            else f"       {phrase('support', lang).format(support=support, n=o.evidence)}"
        )
        for reason in o.reasons:
            add(f"       {phrase('why', lang)}: {reason.text(lang)}")
        for warning in o.warnings:
            head = phrase("caution" if warning.code == "caution" else "warn", lang)
            add(f"       {head}: {warning.text(lang)}")
    if rec.notes:
        add("")
        add(phrase("notes", lang))
        for note in rec.notes:
            add(f"  - {note.da if lang == 'da' else note.en}")
    for warning in rec.warnings:
        if warning not in top:
            add(f"{phrase('warn', lang)}: {warning.text(lang)}")
    add("")
    m = rec.model
    kind = phrase("synthetic" if m.synthetic else "cohort", lang)
    add(
        phrase("model", lang).format(
            v=m.version, kind=kind, n=m.cohort_size, e=m.evidence_size, r=rec.rules_version
        )
    )
    add(rec.statement.text(lang))
    return "\n".join(out) + "\n"
