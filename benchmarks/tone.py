"""Tone on human-labelled text: VADER against a model fitted on a few of the labels (issue 16).

On the 14,640 human-labelled airline tweets (Twitter US Airline Sentiment, Feb 2015, in
../shared): draw N labels at random (seeded), fit the tone model of `boilingpoint tone fit` on
them, and measure macro-F1 on every other tweet — the model's prediction (its most probable
class) and VADER's (compound ≥ +0.05 positive, ≤ −0.05 negative) on the same held-out tweets.
N = 300 (the target: macro-F1 ≥ 0.62; ten seeds) and 4,000 (three seeds). Each fit is the one
`tone fit` makes: C chosen by 5-fold cross-validation on the N drawn labels alone. Then the
cost per 10,000 texts: VADER's scoring, the model's scoring from its JSON (numpy), the model's
fit, and the size of the model's file.

    .venv/bin/python benchmarks/tone.py --doc BENCHMARKS.md    # make tone-bench

Only derived figures are written (benchmarks/results/tone-latest.json, a block of
BENCHMARKS.md); no tweet text leaves ../shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dashboard.tone import fit, load, save, vader_classes, vader_tone
from dashboard.tone.model import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules, when run as a script
from measure import cpu_model  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
AIRLINE = REPO.parent / "shared" / "data" / "external" / "us-airline-tweets-sentiment-feb2015" / "Tweets.csv"
RESULTS = REPO / "benchmarks" / "results" / "tone-latest.json"
TARGET_300 = 0.62
DOC_BEGIN = "<!-- tone:begin (written by benchmarks/tone.py --doc; do not edit by hand) -->"
DOC_END = "<!-- tone:end -->"


def macro_f1(truth, predicted) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, labels=["negative", "neutral", "positive"], average="macro"))


def timed(fn, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(path: Path, sizes: list[int], seeds: list[int], big_seeds: list[int]) -> dict:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    texts = frame["text"].tolist()
    truth = np.asarray([s.strip().lower() for s in frame["airline_sentiment"]])
    vader = np.asarray(vader_classes(texts))
    out: dict = {"vader_all": round(macro_f1(truth, vader), 4), "rows": len(texts), "sizes": {}}
    for n in sizes:
        runs = []
        for seed in (seeds if n <= 1000 else big_seeds):
            order = np.random.default_rng(seed).permutation(len(texts))
            train, test = order[:n], order[n:]
            start = time.perf_counter()
            model = fit([texts[i] for i in train], truth[train].tolist(), seed=seed)  # C by cross-validation on the n
            fit_s = time.perf_counter() - start
            proba = model.probabilities([texts[i] for i in test])
            predicted = np.asarray(model.classes)[proba.argmax(axis=1)]
            runs.append({"seed": seed, "model": round(macro_f1(truth[test], predicted), 4),
                         "vader": round(macro_f1(truth[test], vader[test]), 4), "held_out": len(test),
                         "terms": model.terms, "C": model.cv["C"], "cv_model": model.cv["model_macro_f1"],
                         "cv_vader": model.cv["vader_macro_f1"], "file_bytes": len(dumps(model)), "fit_with_cv_s": round(fit_s, 2)})
            print(f"  {n:>5,} labels, seed {seed}: model {runs[-1]['model']:.3f}, VADER {runs[-1]['vader']:.3f} "
                  f"(C {model.cv['C']}, cross-validated {model.cv['model_macro_f1']:.3f}, {fit_s:.1f} s)", flush=True)
        out["sizes"][str(n)] = {
            "runs": runs,
            "model_mean": round(statistics.mean(r["model"] for r in runs), 4),
            "model_min": min(r["model"] for r in runs), "model_max": max(r["model"] for r in runs),
            "vader_mean": round(statistics.mean(r["vader"] for r in runs), 4),
            "vader_min": min(r["vader"] for r in runs), "vader_max": max(r["vader"] for r in runs),
            "cv_model_mean": round(statistics.mean(r["cv_model"] for r in runs), 4),
            "file_bytes_max": max(r["file_bytes"] for r in runs),
            "fit_with_cv_s_mean": round(statistics.mean(r["fit_with_cv_s"] for r in runs), 2),
        }
    out["cost"] = cost(texts, truth)
    return out


def cost(texts: list[str], truth: np.ndarray) -> dict:
    """Seconds per 10,000 texts: VADER, the model scored from its JSON file, and the model's fit."""
    sample = [f"{t} #{i // len(texts)}" for i, t in enumerate((texts * 2)[:10_000])]  # 10,000 distinct texts
    order = np.random.default_rng(0).permutation(len(texts))[:4000]
    with tempfile.TemporaryDirectory() as folder:
        model_path = Path(folder) / "tone.json"
        save(fit([texts[i] for i in order], truth[order].tolist(), validate=False), model_path)
        size = model_path.stat().st_size
        load_s = timed(lambda: load(model_path))
        model = load(model_path)
        score_s = timed(lambda: model.score(sample))
    vader_s = timed(lambda: vader_tone(sample))
    labels = (truth.tolist() * 2)[:10_000]
    fit_s = timed(lambda: fit(sample, labels, validate=False), runs=1)
    fit_cv_s = timed(lambda: fit([texts[i] for i in order[:300]], truth[order[:300]].tolist()), runs=1)
    return {"vader_score_s": round(vader_s, 3), "model_score_s": round(score_s, 3), "model_fit_s": round(fit_s, 2),
            "model_file_bytes_4000_labels": size, "model_load_s": round(load_s, 3),
            "tone_fit_300_labels_with_cv_s": round(fit_cv_s, 2)}


def doc_block(r: dict) -> str:
    s300, s4000 = r["sizes"].get("300"), r["sizes"].get("4000")
    c = r["cost"]
    lines = [DOC_BEGIN, "",
             f"Measured {r['date']}" + (f", {r['started']}–{r['ended']} UTC" if "started" in r else "")
             + f" on {r['machine']['cpu']}, {r['machine']['nproc']} cores (`nproc`)"
             + (f", {r['machine']['memory_gib']} GiB" if r["machine"].get("memory_gib") else "") + "; "
             f"Python {r['machine']['python']}, scikit-learn {r['machine']['sklearn']}, numpy {r['machine']['numpy']}"
             + (f"; load average {r['machine']['load_average'][0]} at the start, {r['machine']['load_average'][1]} at the end "
                "(the cores were shared with other jobs: the seconds are upper bounds)" if "load_average" in r["machine"] else "")
             + ". "
             f"{r['rows']:,} tweets; held out: every tweet not drawn. The model is `tone fit`'s: word 1–2-grams and "
             "character 2–5-grams (TF-IDF) with a dense block of VADER's four scores and eight counts of VADER's lexicon "
             "words (format version 3), logistic regression with C chosen by 5-fold cross-validation on the drawn labels "
             "alone.", "",
             "| labels drawn | seeds | model macro-F1 (mean; min–max) | VADER macro-F1 on the same held-out tweets (mean; min–max) "
             "| model's own cross-validated estimate (mean) | model file | target |",
             "|---|---|---|---|---|---|---|"]
    for n, s in (("300", s300), ("4,000", s4000)):
        if s is None:
            continue
        target = (f"≥ {TARGET_300:.2f}: **{'met' if s['model_mean'] >= TARGET_300 else 'missed'}**" if n == "300" else "—")
        seeds = ", ".join(str(run["seed"]) for run in s["runs"])
        lines.append(f"| {n} | {seeds} | {s['model_mean']:.3f} ({s['model_min']:.3f}–{s['model_max']:.3f}) | "
                     f"{s['vader_mean']:.3f} ({s['vader_min']:.3f}–{s['vader_max']:.3f}) | {s['cv_model_mean']:.3f} | "
                     f"≤ {s['file_bytes_max'] / 1e6:.1f} MB | {target} |")
    lines += ["", f"VADER on all {r['rows']:,} tweets: macro-F1 {r['vader_all']:.3f}.", "",
              "| cost per 10,000 texts | seconds |", "|---|---|",
              f"| VADER, scoring (one core) | {c['vader_score_s']:.2f} |",
              f"| the model, scoring from its JSON (numpy, one core) | {c['model_score_s']:.2f} |",
              f"| the model, fitting on 10,000 labels (one C, no cross-validation) | {c['model_fit_s']:.2f} |", "",
              f"The model fitted on 4,000 labels is a {c['model_file_bytes_4000_labels'] / 1e6:.1f} MB JSON file, read and checked "
              f"in {c['model_load_s']:.2f} s; `tone fit` on 300 labels, with its 5-fold cross-validation (C among five values, "
              f"and VADER), takes {c['tone_fit_300_labels_with_cv_s']:.1f} s. The scoring includes VADER's own, whose four "
              "scores the model reads, and the lexicon counts.", "", DOC_END]
    return "\n".join(lines)


def write_doc(doc: Path, block: str) -> None:
    text = doc.read_text(encoding="utf-8")
    if DOC_BEGIN in text and DOC_END in text:
        start, end = text.index(DOC_BEGIN), text.index(DOC_END) + len(DOC_END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


def memory_gib() -> int | None:
    """The machine's memory in GiB (Linux), or None."""
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError, AttributeError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=AIRLINE)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 4000])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)), help="seeds for sizes up to 1,000")
    parser.add_argument("--big-seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds for larger sizes")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--doc", type=Path, help="rewrite the tone block of this markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no labelled data at {args.data}", file=sys.stderr)
        return 2
    import sklearn

    load_before = os.getloadavg()[0]
    started = dt.datetime.now(dt.UTC).strftime("%H:%M")
    result = measure(args.data, args.sizes, args.seeds, args.big_seeds)
    result.update(date=dt.date.today().isoformat(), started=started, ended=dt.datetime.now(dt.UTC).strftime("%H:%M"),
                  seeds=args.seeds, big_seeds=args.big_seeds, data=str(args.data.name),
                  machine={"nproc": len(os.sched_getaffinity(0)), "cpu": cpu_model(), "python": platform.python_version(),
                           "sklearn": sklearn.__version__, "numpy": np.__version__, "memory_gib": memory_gib(),
                           "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)]})
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "sizes"}, indent=2))
    if args.doc:
        write_doc(args.doc, doc_block(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
