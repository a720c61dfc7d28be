"""Benchmark (issue 24, thin combinations the model relies on): the CPU cost of the input variants in
batch scoring.

``score`` marks a citizen's data thin when a rare answer × offer combination of an offer the verdict is
about is one the model relies on for the citizen's ranking
(:func:`~recommender.recommending.sparse.thin_relied`): per field, one batched point prediction with the
field at its baseline, over the rows that have such a combination and an answer off the baseline. This
times, in CPU seconds of this process (``time.process_time``), on the synthetic intake of
``generate_cohort(n, seed)`` with the built-in model:

* ``score_frame`` as it is (with the check), the reference;
* the check alone (``thin_relied``) on the same inputs (as ``score_frame`` calls it: only for rows whose
  verdict would otherwise be clear), and the combination counting alone
  (``fewest_combinations``), each as a share of ``score_frame`` without the check.

Run (nice)::

    nice .venv/bin/python benchmarks/bench_thin_relied.py            # 50,000 rows, 2 repeats
    nice .venv/bin/python benchmarks/bench_thin_relied.py --n 10000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

CASE_COLUMNS = ("offer", "outcome", "duration_days", "enrolled_on", "closed_on")


def main(argv: list[str] | None = None) -> int:
    from recommender import load_model, load_rules
    from recommender.recommending.certainty import distinguishable, verdict_offers
    from recommender.recommending.scoring import score_frame
    from recommender.recommending.sparse import fewest_answers, fewest_combinations, thin_relied
    from recommender.synth import generate_cohort
    from recommender.vocab import OFFER

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    model, rules = load_model(), load_rules()
    frame = generate_cohort(args.n, args.seed).frame
    frame = frame.drop(columns=[c for c in frame.columns if c in CASE_COLUMNS or c.endswith("_closing")])
    score_frame(frame.head(200), model, rules)  # warm: lazy imports and tables
    codes = OFFER.codes
    full, relied, counting = [], [], []
    for _ in range(args.repeats):
        t = time.process_time()
        scored = score_frame(frame, model, rules)
        full.append(time.process_time() - t)
        ranks = scored[[f"{o}_rank" for o in codes]].to_numpy()
        pb = scored[[f"{o}_p_best" for o in codes]].to_numpy(dtype=float)
        advised = scored[[f"{o}_advised" for o in codes]].to_numpy(dtype=bool)
        about = verdict_offers(pb, ranks, advised)
        raw = model.point_scores(frame, rules)
        single = fewest_answers(frame, model) < rules.sparse_data_min
        skip = single | ~distinguishable(pb, ranks, advised)  # as score_frame: only otherwise clear rows
        t = time.process_time()
        thin = thin_relied(frame, model, rules, raw, advised, about, skip=skip)
        relied.append(time.process_time() - t)
        t = time.process_time()
        fewest_combinations(frame, model)
        counting.append(time.process_time() - t)
    base = min(full) - min(relied)  # score_frame without the check
    print(
        json.dumps(
            {
                "rows": args.n,
                "score_frame_cpu_s": round(min(full), 3),
                "check_cpu_s": round(min(relied), 3),
                "check_share_of_score_frame_without_it": round(min(relied) / base, 4),
                "combination_counting_share": round(min(counting) / base, 4),
                "rows_checked": round(float(np.mean(~skip)), 4),
                "rows_thin_by_relied_combination": round(float(np.mean(thin)), 4),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
