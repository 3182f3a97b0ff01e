"""Deterministic stand-ins built from the brief, for when the model cannot deliver.

Plain and safe rather than clever: the product's name and the brief's own selling
points, cut to the platform's limits. Always flagged "fallback, needs review".
"""

import re

from creative.schemas import AdCopy, AdGroupPlan, Keyword, Strategy


def _fit(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] or text[:limit]


def _points(variables: dict[str, str]) -> list[str]:
    raw = variables.get("selling_points", "")
    points = [p.strip(" -•*") for p in re.split(r"[\n;]+", str(raw))]
    return [p for p in points if p]


def fallback_ad_copy(variables: dict[str, str]) -> AdCopy:
    product = variables.get("product") or "Our range"
    points = _points(variables)
    headlines = [_fit(product, 30), _fit(f"Shop {product}", 30), _fit(f"{product} online", 30)]
    headlines += [_fit(p, 30) for p in points[:12]]
    unique = list(dict.fromkeys(h for h in headlines if h))
    while len(unique) < 3:
        unique.append(_fit(f"{product} {len(unique) + 1}", 30))
    descriptions = [
        _fit(f"{product}. " + "; ".join(points[:2]), 90) if points else _fit(product, 90)
    ]
    descriptions.append(_fit(f"Find out more about {product} today.", 90))
    return AdCopy(headlines=unique[:15], descriptions=descriptions[:4])


def fallback_strategy(variables: dict[str, str]) -> Strategy:
    product = variables.get("product") or "products"
    words = " ".join(str(product).lower().split())[:80]
    return Strategy(
        ad_groups=[
            AdGroupPlan(
                name=_fit(product, 80),
                theme=_fit(f"{product}: core terms", 80),
                keywords=[
                    Keyword(text=words, match_type="PHRASE"),
                    Keyword(text=words, match_type="EXACT"),
                ],
                negative_keywords=["free", "jobs"],
                starting_bid=float(variables.get("default_bid") or 1.0),
            )
        ],
        audiences=[],
    )
