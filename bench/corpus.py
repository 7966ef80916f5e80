"""Scores extraction on labelled article folders and calibrates its confidence.

    python -m bench.corpus score tests/fixtures/real/b01 [more folders]   # the five figures, pooled
    python -m bench.corpus calibrate                                       # fit confidence weights, print the table

The matcher follows ../shared/eval/score.py (same radii, date windows, greedy one-to-one matching, background
incidents excused), so the tests that pin floors on these scores need nothing outside the repository.

Calibration fits a logistic model of "the incident is right" (matched to a labelled incident, same event type) on
the real corpus's incidents, from the features ingest.extract.confidence records, and writes the weights beside that
module. The table it prints is leave-one-batch-out: each batch is scored by weights fitted on the other batches, so
each band's share correct is measured on articles the weights have not seen.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"
RADIUS_KM, ADMIN_KM = 25.0, 100.0
DAYS = {"day": 2, "week": 7}


def km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def radius(gold) -> float:
    kind = gold.get("kind") or (gold.get("place") or {}).get("kind")
    return ADMIN_KM if gold.get("geo_precision") == "admin" or kind == "admin_area" else RADIUS_KM


def located(p) -> bool:
    return isinstance(p, dict) and isinstance(p.get("lat"), (int, float)) and isinstance(p.get("lon"), (int, float))


def day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def distinct(places):
    kept = []
    for p in places:
        if located(p) and all(km(p, q) > 1.0 for q in kept):
            kept.append(p)
    return kept


def match(gold, pred, ok, cost):
    pairs = sorted((cost(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if ok(g, p))
    used_g, used_p, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((gold[i], pred[j]))
    return out


def f1(tp, n_pred, n_gold) -> float:
    p = tp / n_pred if n_pred else float(not n_gold)
    r = tp / n_gold if n_gold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def same_incident(g, p) -> bool:
    if km(g["place"], p["place"]) > radius(g):
        return False
    window = DAYS.get(g.get("date_precision") or "day")
    dg, dp = day(g.get("date")), day(p.get("date"))
    return window is None or dg is None or dp is None or abs((dg - dp).days) <= window


def articles(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line]


def predict(article: dict) -> dict:
    """The extractor's output for one article, as `manage.py extract` writes it, plus each incident's features."""
    from ingest.extract import extract_article
    from ingest.management.commands.extract import extraction_json

    published = dt.date.fromisoformat(article["published"]) if article.get("published") else None
    result = extract_article(title=article.get("title") or "", text=article["text"], published=published)
    row = extraction_json(article["id"], result)
    shown = [i for i in result.incidents if not i.background]
    for out, incident in zip(row["incidents"], shown, strict=True):
        out["features"] = incident.confidence_features
    return row


def outcomes(folders: Iterable[Path], predictor: Callable[[dict], dict] = predict):
    """Per article: (folder, gold, prediction, matched pairs of (gold incident, predicted incident))."""
    for folder in folders:
        for article in articles(folder):
            gold = json.loads((folder / f"{article['id']}.json").read_text(encoding="utf-8"))
            pred = predictor(article)
            gi = [i for i in gold.get("incidents", []) if located(i.get("place")) and not i.get("background")]
            pi = [i for i in pred["incidents"] if located(i.get("place"))]

            def cost(g, p):
                return km(g["place"], p["place"])

            yield folder, gold, pred, match(gi, pi, same_incident, cost)


def scores(*folders: Path, predictor: Callable[[dict], dict] = predict) -> dict[str, float]:
    t = dict.fromkeys(("place_tp", "place_pred", "place_gold", "inc_tp", "inc_pred", "inc_gold"), 0)
    t |= dict.fromkeys(("type_ok", "type_n", "fat_ok", "fat_n", "day_ok", "day_n", "invented"), 0)
    for _folder, gold, pred, matched in outcomes(folders, predictor):
        gp, pp = distinct(gold.get("places_mentioned", [])), distinct(pred["places"])
        t["place_tp"] += len(match(gp, pp, lambda g, p: km(g, p) <= radius(g), km))
        t["place_pred"] += len(pp)
        t["place_gold"] += len(gp)
        gold_located = [i for i in gold.get("incidents", []) if located(i.get("place"))]
        gi = [i for i in gold_located if not i.get("background")]
        background = [i for i in gold_located if i.get("background")]
        pi = [i for i in pred["incidents"] if located(i.get("place"))]
        rest = [p for p in pi if all(p is not b for _, b in matched)]
        excused = match(background, rest, same_incident, lambda g, p: km(g["place"], p["place"]))
        t["inc_tp"] += len(matched)
        t["inc_pred"] += len(pi) - len(excused)
        t["inc_gold"] += len(gi)
        if not gold.get("incidents"):
            t["invented"] += len(pred["incidents"])
        for g, p in matched:
            t["type_n"] += 1
            t["type_ok"] += g["event_type"] == p["event_type"]
            if g.get("fatalities") is not None:
                t["fat_n"] += 1
                t["fat_ok"] += g["fatalities"] == p["fatalities"]
            if g.get("date_precision") == "day" and g.get("date"):
                t["day_n"] += 1
                t["day_ok"] += g["date"] == p.get("date")
    return {
        "place_f1": f1(t["place_tp"], t["place_pred"], t["place_gold"]),
        "incident_f1": f1(t["inc_tp"], t["inc_pred"], t["inc_gold"]),
        "type": t["type_ok"] / t["type_n"] if t["type_n"] else 1.0,
        "fatalities": t["fat_ok"] / t["fat_n"] if t["fat_n"] else 1.0,
        "day": t["day_ok"] / t["day_n"] if t["day_n"] else 1.0,
        "invented": t["invented"],
    }


def batches() -> list[Path]:
    """The labelled batches: each has its articles and a label for every one."""
    out = []
    for folder in sorted(REAL.glob("b[0-9]*")):
        if (folder / "articles.jsonl").exists() and all(
            (folder / f"{a['id']}.json").exists() for a in articles(folder)
        ):
            out.append(folder)
    return out


# --- Calibration -----------------------------------------------------------------------------------------------------

BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01))


def samples(folders: Iterable[Path]) -> list[tuple[str, list[str], bool]]:
    """(batch, features, right) for every located incident the extractor reports."""
    out = []
    for folder, _gold, pred, matched in outcomes(folders):
        right = {id(p) for g, p in matched if g["event_type"] == p["event_type"]}
        for p in pred["incidents"]:
            if located(p.get("place")):
                out.append((folder.name, p["features"], id(p) in right))
    return out


def fit(rows: list[tuple[list[str], bool]], l2: float = 1.0, steps: int = 3000, rate: float = 0.1) -> dict:
    """Logistic regression by gradient descent (a few hundred rows, a few dozen binary features)."""
    names = sorted({f for features, _ in rows for f in features})
    w = dict.fromkeys(["bias", *names], 0.0)
    n = len(rows)
    for _ in range(steps):
        grad = dict.fromkeys(w, 0.0)
        for features, right in rows:
            z = w["bias"] + sum(w[f] for f in features)
            err = 1.0 / (1.0 + math.exp(-z)) - float(right)
            grad["bias"] += err
            for f in features:
                grad[f] += err
        for k in w:
            penalty = 0.0 if k == "bias" else l2 * w[k]
            w[k] -= rate * (grad[k] + penalty) / n
    return {k: round(v, 4) for k, v in w.items()}


def band_table(scored: list[tuple[float, bool]]) -> list[tuple[str, int, float]]:
    table = []
    for lo, hi in BANDS:
        inside = [right for p, right in scored if lo <= p < hi]
        share = sum(inside) / len(inside) if inside else float("nan")
        table.append((f"{lo:.2f}–{min(hi, 1.0):.2f}", len(inside), share))
    return table


def calibrate(folders: list[Path] | None = None) -> None:
    from ingest.extract import confidence

    folders = folders or batches()
    rows = samples(folders)
    held_out = []
    for name in sorted({b for b, _, _ in rows}):
        weights = fit([(f, r) for b, f, r in rows if b != name])
        held_out += [(confidence.probability(f, weights), r) for b, f, r in rows if b == name]
    weights = fit([(f, r) for _, f, r in rows])
    confidence.WEIGHTS.write_text(
        json.dumps(
            {
                "note": f"Fitted by python -m bench.calibrate on {len(rows)} incidents of {len(folders)} real-article "
                "batches (tests/fixtures/real).",
                "weights": weights,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"{len(rows)} incidents, {sum(r for _, _, r in rows)} right; leave-one-batch-out calibration:")
    print("| confidence | incidents | share right |\n|---|---|---|")
    for band, count, share in band_table(held_out):
        print(f"| {band} | {count} | {share:.2f} |")


def main(argv: list[str]) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if argv[:1] == ["calibrate"]:
        calibrate([Path(a) for a in argv[1:]] or None)
        return
    folders = [Path(a) for a in argv[1:]] or batches()
    s = scores(*folders)
    print(
        "score: place_f1={place_f1:.2f} incident_f1={incident_f1:.2f} type={type:.2f} fatalities={fatalities:.2f} "
        "day={day:.2f} invented={invented}".format(**s)
    )


if __name__ == "__main__":
    main(sys.argv[1:])
