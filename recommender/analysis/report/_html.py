"""The report's HTML page: Danish text, English codes, every value escaped, images referenced by name."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from recommender.analysis.report._content import ReportContent
from recommender.numbers import decimal, percent
from recommender.vocab import GENDER, LABOUR_FORCE_OUTCOMES, OFFER, ORIGIN, OUTCOME, TYPOLOGY, Scale

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}code{background:#f3f3f3;padding:0 .2em}
.card{background:#f8f8ff;border:1px solid #ccd;padding:.6em 1.2em;border-radius:4px}
.warn{background:#fff4e5;border-left:4px solid #f0a020;padding:.4em .8em}
figure{display:inline-block;margin:.5em;max-width:100%}figcaption{font-size:.85em;color:#555}
img{max-width:100%;height:auto}
.verdict{background:#eef6ee;border-left:4px solid #2ca02c;padding:.5em .8em;font-weight:600}
.verdict.no{background:#fdecea;border-left-color:#d62728}
.synth{background:#eef;border-left:4px solid #66c;padding:.4em .8em}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _pct(x: float) -> str:
    return percent(x, 1)


def _num(x: float, digits: int = 3) -> str:
    return decimal(x, digits)


def _label(scale: Scale, code: str) -> str:
    try:
        return f"{_e(scale.label(code))} (<code>{_e(code)}</code>)"
    except KeyError:
        return f"ukendt / unknown (<code>{_e(code)}</code>)"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    cap = f"<caption>{caption}</caption>" if caption else ""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _signed(x: float, digits: int = 4) -> str:
    return decimal(x, digits, sign=True).replace("-", "−")


def _iv(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f"[{_num(interval[0])}; {_num(interval[1])}]"


def _img(name: str, alt: str, caption: str = "") -> str:
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{_e(name)}" alt="{_e(alt)}">{cap}</figure>'


def _model_card(c: ReportContent) -> str:
    m = c.model
    protected = (
        "JA – køn/oprindelse/nationalitet indgår som forklarende variable (valgt af analytikeren "
        "ved træning) / YES, protected attributes are features"
        if m.get("allow_protected")
        else "Nej – køn, oprindelse og nationalitet indgår ikke i modellen; de bruges kun til "
        "fairness-kontrol nedenfor / no, protected attributes are not features"
    )
    facts = [
        ("Modelversion / version", f"<code>{_e(m.get('version'))}</code>"),
        ("Oprettet / created", _e(m.get("created"))),
        (
            "Træningskohorte (fingeraftryk) / training fingerprint",
            f"<code>{_e(m.get('training_fingerprint'))}</code>",
        ),
        ("Træningskilde / training source", _e(m.get("training_source"))),
        (
            "Forløb i træningen / rows (med tilbud / with an offer)",
            f"{_e(m.get('n_rows'))} ({_e(m.get('n_with_offer'))})",
        ),
        ("Evidensstørrelse (intervaller) / evidence size", _e(m.get("evidence_size"))),
        (
            "Valgt model / selected",
            f"{_e(m.get('selected'))}" + (" (kalibreret / calibrated)" if m.get("calibrated") else ""),
        ),
        (
            "Forklarende variable / features",
            ", ".join(f"<code>{_e(f)}</code>" for f in m.get("features", [])) + " + tilbud / offer",
        ),
        ("Beskyttede oplysninger / protected attributes", protected),
        ("Regelversion / rules version", f"<code>{_e(c.rules_version)}</code>"),
    ]
    rows = "".join(f"<tr><th>{k}</th><td style='text-align:left'>{v}</td></tr>" for k, v in facts)
    return f"""
<h2 id="modelkort">Modelkort / model card</h2>
<div class="card">
<p><b>Formål og brugere.</b> Modellen støtter rådgivere i jobcentre, der arbejder med ledige,
ægtefælleforsørgede indvandrere (Projekt 500-målgruppen). For hver borger skønner den sandsynligheden
for hver afslutningsårsag (<code>job</code>, <code>education</code>, <code>active</code>,
<code>other</code>) under hvert af de fire tilbud, og værktøjet rangerer tilbuddene. Analytikere bruger
denne rapport til at vurdere en model, før den tages i brug.</p>
<p><b>Træningsdata.</b> Afsluttede forløb fra en kohortefil (én række pr. borger, indsatsens tilbud og
afslutningsårsag). Forløb uden registreret tilbud indgår ikke i træningen.</p>
<p><b>Hvad skønnene ikke er.</b> Skønnene er <em>sammenhænge</em> lært af tidligere borgere, ikke
årsagseffekter: at borgere med løntilskud oftere kom i job, kan skyldes, at de i forvejen var tæt på
arbejdsmarkedet. Skøn for tilbud, som få borgere som denne har fået, hviler på lidt evidens (lav støtte).
<b>Rådgiveren beslutter; værktøjet rådgiver.</b> / Estimates are associations, not causal effects;
the adviser decides.</p>
<table>{rows}</table>
</div>"""


def _calibration(c: ReportContent, images: dict[str, str]) -> str:
    o = c.overall
    rows = [
        (
            _label(OUTCOME, k),
            _pct(r["observed"]),
            _pct(r["predicted"]),
            _num(r["brier"]),
            _num(r["brier_prior"]),
            _num(r["auc"]),
            _num(r["ece"]),
        )
        for k, r in c.per_outcome.items()
    ]
    figures = "".join(
        _img(
            images[f"calibration_{cal.outcome}"],
            f"kalibrering {cal.outcome}",
            f"Kalibrering: {OUTCOME.label(cal.outcome)} ({cal.outcome})",
        )
        for cal in c.calibration
    )
    return f"""
<h2 id="kalibrering">Kalibrering / calibration</h2>
<p>For de {c.n_evaluated} borgere med et registreret tilbud sammenlignes modellens skøn for det tilbud,
borgeren fik, med den faktiske afslutningsårsag. Punkterne bør ligge tæt på diagonalen.
Samlet: log loss {_num(o["log_loss"])} {_iv(c.intervals.get("log_loss"))} (kun fordelingen / prior:
{_num(o["log_loss_prior"])}), Brier {_num(o["brier"])} {_iv(c.intervals.get("brier"))} (prior:
{_num(o["brier_prior"])}), rigtig mest sandsynlige årsag {_pct(o["accuracy"])}. Intervallerne er 95 %
bootstrap-intervaller over forløbene.</p>
{
        _table(
            [
                "Afslutningsårsag / outcome",
                "Observeret andel",
                "Gns. skøn",
                "Brier",
                "Brier (prior)",
                "AUC",
                "ECE",
            ],
            rows,
        )
    }
<p><small>Brier: middelkvadratfejl (lavere er bedre); AUC: evne til at skelne (0,5 = tilfældigt);
ECE: forventet kalibreringsfejl (0 = perfekt).</small></p>
<div>{figures}</div>"""


def _offers(c: ReportContent, images: dict[str, str]) -> str:
    head = ["Tilbud / offer", "N", *[f"{_e(OUTCOME.label(k))}<br><code>{k}</code>" for k in OUTCOME.codes]]
    rows = []
    for oo in c.offer_outcomes:
        cells = [
            f"{oo.observed_counts[k]} ({_pct(oo.observed[k])})<br>skøn {_pct(oo.predicted[k])}"
            for k in range(len(OUTCOME.codes))
        ]
        rows.append([_label(OFFER, oo.offer), str(oo.n), *cells])
    ref_rows = [
        [
            _label(OFFER, oo.offer),
            str(sum(oo.report_counts)),
            *[f"{oo.report_counts[k]} ({_pct(oo.report_shares[k])})" for k in range(len(OUTCOME.codes))],
        ]
        for oo in c.offer_outcomes
    ]
    return f"""
<h2 id="tilbud">Afslutningsårsag pr. tilbud / outcome per offer</h2>
<p>Observeret fordeling i kohorten og modellens gennemsnitlige skøn for de borgere, der fik tilbuddet,
ved siden af rapportens tabel 38 (N = 219, hver borger talt én gang under det tilbud med størst forventet
effekt). Forskelle mellem tilbud er sammenhænge, ikke effekter.</p>
{_table(head, rows, "Denne kohorte: antal (andel) og modellens skøn")}
{_table(head, ref_rows, "Projekt 500, tabel 38 (til sammenligning / for reference)")}
{
        _img(
            images["offer_outcome"],
            "observeret og forudsagt afslutning pr. tilbud",
            "Observeret, forudsagt og rapportens tabel 38 pr. tilbud",
        )
    }"""


def _groups(c: ReportContent, images: dict[str, str]) -> str:
    parts = [
        "<h2 id='grupper'>Grupper: køn og oprindelse / per-group metrics</h2>",
        "<p>Modellens træfsikkerhed for grupper efter køn og oprindelse (beskyttede oplysninger, kun "
        "til kontrol). Store forskelle mellem observeret og forudsagt andel i arbejdsstyrken, eller i "
        "Brier/ECE, betyder at modellen passer dårligere til en gruppe. Små grupper giver usikre tal.</p>",
    ]
    for attribute, scale, title in (
        ("gender", GENDER, "Køn / gender"),
        ("origin", ORIGIN, "Oprindelse / origin"),
    ):
        rows = [
            [
                _label(scale, g.group),
                str(g.n),
                _pct(g.observed_labour_force),
                _pct(g.predicted_labour_force),
                _num(g.brier),
                _num(g.auc),
                _num(g.ece),
            ]
            for g in c.groups
            if g.attribute == attribute
        ]
        parts.append(
            _table(
                ["Gruppe / group", "N", "Observeret i arbejdsstyrken", "Forudsagt", "Brier", "AUC", "ECE"],
                rows,
                title,
            )
        )
        parts.append(_img(images[f"groups_{attribute}"], f"metrikker pr. gruppe: {attribute}", title))
    return "\n".join(parts)


def _typology(c: ReportContent, images: dict[str, str]) -> str:
    total = sum(sum(v.values()) for v in c.typology_counts.values()) or 1
    rows = []
    for code in TYPOLOGY.codes:
        counts = c.typology_counts[code]
        n = sum(counts.values())
        lf = sum(counts[k] for k in LABOUR_FORCE_OUTCOMES)
        rows.append(
            [
                _label(TYPOLOGY, code),
                f"{n} ({_pct(n / total)})",
                *[str(counts[k]) for k in OUTCOME.codes],
                _pct(lf / n) if n else "–",
            ]
        )
    return f"""
<h2 id="typologi">Typologier / typologies</h2>
<p>Fordeling på jobmålstypologi (reglerne, version <code>{_e(c.rules_version)}</code>) for alle
{c.cohort["n_rows"]} forløb, og afslutningsårsag pr. typologi.</p>
{
        _table(
            [
                "Typologi / typology",
                "Antal (andel)",
                *[f"<code>{k}</code>" for k in OUTCOME.codes],
                "I arbejdsstyrken",
            ],
            rows,
        )
    }
{_img(images["typology"], "afslutningsårsag pr. typologi", "Afslutningsårsag pr. typologi")}"""


def _support(c: ReportContent, images: dict[str, str]) -> str:
    def why(s) -> str:
        if not s.little_support:
            return "ok"
        if min(s.n_cohort, s.n_training) < c.min_support:
            return f"<b>lav</b>: færre end {c.min_support} borgere fik tilbuddet"
        return "<b>lav</b>: over halvdelen af borgerne har lav støtte"

    rows = [
        [_label(OFFER, s.offer), str(s.n_cohort), str(s.n_training), _pct(s.low_support_share), why(s)]
        for s in c.support
    ]
    little = [s.offer for s in c.support if s.little_support]
    if little:
        warn = (
            "<p class='warn'>Modellen kan ikke udtale sig sikkert om: "
            + ", ".join(_label(OFFER, o) for o in little)
            + f" (færre end {c.min_support} borgere fik tilbuddet, eller de fleste borgere har lav "
            "støtte). Skøn for disse tilbud skal læses med stor forsigtighed. / The model cannot "
            "speak to these offers.</p>"
        )
    else:
        warn = (
            f"<p>Alle fire tilbud har mindst {c.min_support} borgere bag sig. Enkelte borgere kan "
            "stadig have lav støtte for et tilbud (se andelen).</p>"
        )
    return f"""
<h2 id="stoette">Støtte: hvor meget evidens står bag / support</h2>
<p>Antal borgere med hvert tilbud i denne kohorte og i modellens træning (evidensen bag intervallerne), og
andelen af kohortens {c.cohort["n_rows"]} borgere, hvis skøn for tilbuddet har lav støtte: det samme flag,
som rådgiveren ser pr. borger og som står i <code>&lt;tilbud&gt;_support</code> i scoringsfilen
(sandsynligheden for at få tilbuddet under {_num(c.model.get("support_threshold") or 0, 2)}).</p>
{
        _table(
            [
                "Tilbud / offer",
                "Borgere i kohorten",
                "Borgere i træningen (evidens)",
                "Andel borgere med lav støtte",
                "Vurdering / support",
            ],
            rows,
        )
    }
{warn}
{_img(images["support"], "antal borgere pr. tilbud", "Antal borgere pr. tilbud")}"""


def _municipalities(c: ReportContent, images: dict[str, str]) -> str:
    rows = [
        [
            _e(m.municipality),
            str(m.n),
            _pct(m.observed_labour_force),
            _pct(m.predicted_labour_force),
            _num(m.brier),
        ]
        for m in c.municipalities
    ]
    figure = (
        _img(
            images["municipalities"],
            "andel i arbejdsstyrken pr. kommune",
            "Observeret og forudsagt andel i arbejdsstyrken pr. kommune",
        )
        if "municipalities" in images
        else ""
    )
    return f"""
<h2 id="kommuner">Kommuner / per municipality</h2>
<p>Forløb med registreret tilbud pr. kommune: observeret og forudsagt andel afsluttet i arbejdsstyrken og
Brier-score (lavere er bedre). Kommuner med færre end 5 forløb er lagt sammen som "andre" (intet tal om
færre end 5 borgere vises). En kommune, hvor forudsagt og observeret ligger langt fra hinanden, kan have en
anden praksis eller målgruppe end træningskohorten.</p>
{_table(["Kommune / municipality", "N", "Observeret i arbejdsstyrken", "Forudsagt", "Brier"], rows)}
{figure}"""


def _top_offers(c: ReportContent, images: dict[str, str]) -> str:
    if c.comparison is not None:
        shares = c.comparison.top_offer_shares
        head = ["Tilbud / offer", "I brug (champion)", "Ny (challenger)"]
        rows = [
            [_label(OFFER, o), _pct(shares["champion"][o]), _pct(shares["challenger"][o])]
            for o in OFFER.codes
        ]
    else:
        head = ["Tilbud / offer", "Rangeret først"]
        rows = [[_label(OFFER, o), _pct(c.top_offers[o])] for o in OFFER.codes]
    return f"""
<h2 id="foerste">Første tilbud / how often each offer is ranked first</h2>
<p>Andelen af kohortens {c.cohort["n_rows"]} borgere, for hvem tilbuddet står øverst i anbefalingen (reglernes
spærringer og rangering anvendt). Et tilbud, der næsten aldrig eller næsten altid står først, fortjener et
blik: det kan skyldes modellen, vægtene eller reglerne.</p>
{_table(head, rows)}
{_img(images["top_offers"], "andel rangeret først pr. tilbud", "Hvor ofte hvert tilbud rangeres først")}"""


def _comparison(c: ReportContent) -> str:
    cmp = c.comparison
    if cmp is None:
        return ""
    rows = [
        [
            _e(m.label_da),
            _num(m.champion, 4),
            _num(m.challenger, 4),
            _signed(m.difference),
            f"[{_signed(m.low)}; {_signed(m.high)}]",
        ]
        for m in cmp.metrics
    ]
    groups = [
        [
            f"{_e(g.attribute)} = {_e(g.group)}",
            str(g.n),
            _num(g.champion_brier, 4),
            _num(g.challenger_brier, 4),
            _signed(g.difference),
            f"[{_signed(g.low)}; {_signed(g.high)}]",
        ]
        for g in cmp.groups
    ]
    return f"""
<h2 id="sammenligning">Sammenligning med modellen i brug / champion vs challenger</h2>
<p>Modellen i brug (<code>{_e(cmp.champion_version)}</code>) og denne model (<code>{
        _e(cmp.challenger_version)
    }</code>)
målt på de samme {cmp.n_evaluated} forløb. Forskel = ny − i brug; lavere er bedre. Intervallerne er
{int(round(cmp.level * 100))} % parrede bootstrap-intervaller ({
        cmp.n_bootstrap
    } stikprøver af de samme forløb for
begge modeller). Dommen er <b>bedre</b>, når log loss-intervallet ligger helt under 0 og Brier ikke er sikkert
værre; <b>dårligere</b>, når log loss eller Brier er sikkert værre; ellers <b>ingen sikker forskel</b>.</p>
{_table(["Mål / metric", "I brug", "Ny", "Forskel", "95 %-interval"], rows)}
{
        _table(
            ["Gruppe (Brier i arbejdsstyrken)", "N", "I brug", "Ny", "Forskel", "95 %-interval"],
            groups,
            "Grupper: en gruppe der er sikkert dårligere stillet, blokerer en forfremmelse",
        )
    }
<p class="verdict{"" if cmp.promote else " no"}">{_e(cmp.verdict_line())}</p>"""


def _header(c: ReportContent) -> str:
    period = (
        f"periode {_e(c.period[0])} – {_e(c.period[1])}"
        if c.period
        else "periode ukendt (kohorten har ingen datoer)"
    )
    synth = []
    if c.synthetic_cohort:
        synth.append("kohorten er <b>syntetisk</b> (dannet af værktøjet, ikke rigtige borgere)")
    if c.synthetic_model:
        synth.append("modellen er trænet på en <b>syntetisk</b> kohorte")
    synth_html = (
        (
            f"<p class='synth'>Bemærk: {'; '.join(synth)}. Tallene viser, hvordan værktøjet virker, "
            "ikke hvordan det går rigtige borgere.</p>"
        )
        if synth
        else ""
    )
    promote = c.comparison.promote if c.comparison is not None else False
    return (
        f"""<p>Kohorte: <code>{_e(c.cohort["source"])}</code>"""
        f"""{" (syntetisk)" if c.synthetic_cohort else ""},
{c.cohort["n_rows"]} forløb, heraf {c.cohort["n_with_offer"]} med registreret tilbud; {period};
fingeraftryk <code>{_e(c.cohort["fingerprint"])}</code>. Model <code>{_e(c.model.get("version"))}</code>.
Rapporten er dannet {_e(c.report_date)}.</p>
{synth_html}
<p class="verdict{"" if promote else " no"}">{_e(c.summary)}</p>"""
    )


def render_html(content: ReportContent, images: dict[str, str]) -> str:
    """The whole page; ``images`` maps a figure key to its file name beside ``index.html``."""
    c = content
    notes = "".join(f"<p class='warn'>{_e(n)}</p>" for n in c.notes)
    return (
        f"""<!DOCTYPE html>
<html lang="da">
<head><meta charset="utf-8"><title>Evalueringsrapport – tilbudsanbefaling """
        f"""(model {_e(c.model.get("version"))})</title>
<style>{_CSS}</style></head>
<body>
<h1>Evalueringsrapport for udfaldsmodellen / model evaluation report</h1>
{_header(c)}
{notes}
<p>{'<a href="#sammenligning">Sammenligning</a> · ' if c.comparison is not None else ""}"""
        f"""<a href="#modelkort">Modelkort</a> ·
<a href="#kalibrering">Kalibrering</a> · <a href="#tilbud">Tilbud</a> · <a href="#grupper">Grupper</a> ·
<a href="#kommuner">Kommuner</a> · <a href="#typologi">Typologier</a> · <a href="#foerste">Første tilbud</a> ·
<a href="#stoette">Støtte</a></p>
{_comparison(c)}
{_model_card(c)}
{_calibration(c, images)}
{_offers(c, images)}
{_groups(c, images)}
{_municipalities(c, images)}
{_typology(c, images)}
{_top_offers(c, images)}
{_support(c, images)}
<hr><p><small>Skønnene er sammenhænge, ikke årsagseffekter. Rådgiveren beslutter. / Estimates are
associations, not causal effects. The adviser decides.</small></p>
</body></html>
"""
    )
