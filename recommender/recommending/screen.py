"""The adviser's screen: a :class:`Recommendation` as readable text, in Danish (default) or English."""

from __future__ import annotations

from typing import Any

from recommender.vocab import FIELDS, OUTCOME
from recommender.recommendation import Recommendation, value_label

__all__ = ["PHRASES", "SUPPORT_WORDS", "render"]

PHRASES: dict[str, tuple[Any, Any]] = {  # (Danish, English); the table head is a pair of tuples
    "title": ("Anbefaling for borger {id}", "Recommendation for citizen {id}"),
    "typology": ("Jobmålstypologi", "Job-goal typology"),
    "rule": ("regel", "rule"),
    "guidance": ("Vejledning", "Guidance"),
    "lf": ("Arbejdsstyrken (erhvervsaktiv)", "Labour force (active)"),
    "lf_met": ("{met} af {n} kriterier opfyldt", "{met} of {n} criteria met"),
    "yes": ("ja", "yes"), "no": ("nej", "no"),
    "offers": ("Tilbud, rangeret", "Offers, ranked"),
    "head": (("#", "Tilbud", "Anbefalet", "Forv. værdi", "Interval"),
             ("#", "Offer", "Advised", "Exp. value", "Interval")),
    "chances": ("Chancer", "Chances"),
    "legend": ("Forventet værdi = chancerne vægtet med {w}; intervallet er et {lvl} %-interval.",
               "Expected value = the chances weighted by {w}; the interval is a {lvl} % interval."),
    "why": ("Hvorfor", "Why"),
    "warn": ("Advarsel", "Warning"),
    "caution": ("Forsigtighed", "Caution"),
    "support": ("erfaring bag estimatet: {support} (ca. {n} tidligere borgere fik tilbuddet)",
                "experience behind the estimate: {support} (about {n} earlier citizens had this offer)"),
    "p_best": ("bedst i {p} af modellens genberegninger", "best in {p} of the model's re-estimates"),
    "verdict": ("Vurdering", "Verdict"),
    "notes": ("Noter", "Notes"),
    "model": ("Model {v}: lært fra {kind} ({n} forløb; usikkerheden svarer til {e} borgere med tilbud), "
              "regler {r}.",
              "Model {v}: learnt from {kind} ({n} cases; uncertainty as for {e} citizens with an offer), "
              "rules {r}."),
    "synthetic": ("en syntetisk Projekt 500-kohorte", "a synthetic Projekt 500 cohort"),
    "cohort": ("en kohorte af afsluttede forløb", "a cohort of closed cases"),
}
SUPPORT_WORDS = {"ok": ("tilstrækkelig", "adequate"), "low": ("lidt", "little")}


def _t(key: str, lang: str) -> str:
    da, en = PHRASES[key]
    return da if lang == "da" else en


def _num(x: float, lang: str) -> str:
    text = f"{x:.2f}"
    return text.replace(".", ",") if lang == "da" else text


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def render(rec: Recommendation, lang: str = "da") -> str:
    """The recommendation as the adviser's screen (plain text, fixed width)."""
    i = 0 if lang == "da" else 1
    out: list[str] = []
    add = out.append
    add(_t("title", lang).format(id=rec.citizen_id))
    add("=" * len(out[0]))
    if rec.provenance is not None:  # where the numbers come from, before any number
        add(rec.provenance.text(lang))
    if rec.verdict_message is not None:
        add(f"{_t('verdict', lang)}: {rec.verdict_message.text(lang)}")
    top = [w for w in rec.warnings if w.code == "sparse_data"]
    for warning in top:
        add(f"{_t('warn', lang)}: {warning.text(lang)}")
    add("")
    typ = rec.typology
    label = typ.label_da if lang == "da" else typ.label_en
    desc = typ.description_da if lang == "da" else typ.description_en
    rule = typ.rule_da if lang == "da" and typ.rule_da else typ.rule
    add(f"{_t('typology', lang)}: {label}  ({_t('rule', lang)} «{rule}»: {desc})")
    for c in typ.conditions:
        mark = "✓" if c.met else "✗"
        name = FIELDS[c.field].da if lang == "da" else FIELDS[c.field].en
        add(f"  {mark} {name}: {value_label(c.field, c.value, lang)}")
    for note in typ.notes:
        add(f"  {_t('guidance', lang)}: {note.da if lang == 'da' else note.en}")
    add("")
    lf = rec.labour_force
    met = sum(r.met for r in lf.criteria.values())
    status = _t("yes" if lf.active else "no", lang)
    add(f"{_t('lf', lang)}: {status} — {_t('lf_met', lang).format(met=met, n=len(lf.criteria))}")
    for name, r in lf.criteria.items():
        field = FIELDS[name].da if lang == "da" else FIELDS[name].en
        add(f"  {'✓' if r.met else '✗'} {field}: {value_label(name, r.value, lang)}")
    add("")
    add(_t("offers", lang))
    head = PHRASES["head"][i]
    add(f"  {head[0]:<2} {head[1]:<20} {head[2]:<10} {head[3]:>11}  {head[4]}")
    weights = ", ".join(f"{OUTCOME.label(k, lang).split(' /')[0]} {_num(w, lang).rstrip('0').rstrip(',.')}"
                        for k, w in rec.weights.items())
    add(f"  {_t('legend', lang).format(w=weights, lvl=round(100 * rec.model.interval_level))}")
    if rec.order_rule is not None:
        add(f"  {rec.order_rule.text(lang)}")
    for o in rec.offers:
        name = o.label_da if lang == "da" else o.label_en
        advised = _t("yes" if o.advised else "no", lang)
        lo, hi = o.score_interval
        add(f"  {o.rank:<2} {name:<20} {advised:<10} {_num(o.score, lang):>11}  "
            f"{_num(lo, lang)}–{_num(hi, lang)}")
        chances = ", ".join(
            f"{OUTCOME.label(k, lang)} {_pct(p)} ({_pct(o.intervals[k][0])}–{_pct(o.intervals[k][1])})"
            for k, p in o.probabilities.items())
        add(f"       {_t('chances', lang)}: {chances}")
        support = SUPPORT_WORDS[o.support][i]
        add(f"       {_t('support', lang).format(support=support, n=o.evidence)}; "
            f"{_t('p_best', lang).format(p=_pct(o.p_best))}" if o.advised else
            f"       {_t('support', lang).format(support=support, n=o.evidence)}")
        for reason in o.reasons:
            add(f"       {_t('why', lang)}: {reason.text(lang)}")
        for warning in o.warnings:
            head = _t("caution" if warning.code == "caution" else "warn", lang)
            add(f"       {head}: {warning.text(lang)}")
    if rec.notes:
        add("")
        add(_t("notes", lang))
        for note in rec.notes:
            add(f"  - {note.da if lang == 'da' else note.en}")
    for warning in rec.warnings:
        if warning not in top:
            add(f"{_t('warn', lang)}: {warning.text(lang)}")
    add("")
    m = rec.model
    kind = _t("synthetic" if m.synthetic else "cohort", lang)
    add(_t("model", lang).format(v=m.version, kind=kind, n=m.cohort_size, e=m.evidence_size,
                                 r=rec.rules_version))
    add(rec.statement.text(lang))
    return "\n".join(out) + "\n"
