"""Searchset Bundles, paginated with first/previous/next/last links."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

DEFAULT_COUNT = 50
MAX_COUNT = 200


def searchset(resources: list[dict[str, Any]], total: int, page: int, count: int,
              self_url: str, query: dict[str, str], base: str) -> dict[str, Any]:
    """One page of a result; ``resources`` is that page, ``total`` counts all pages."""
    return {
        "resourceType": "Bundle", "type": "searchset", "total": total,
        "link": _links(total, page, count, self_url, query),
        "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                   "search": {"mode": "match"}} for r in resources],
    }


def _links(total: int, page: int, count: int, url: str, query: dict[str, str]) -> list[dict[str, str]]:
    last = max(1, math.ceil(total / count))

    def link(relation: str, number: int) -> dict[str, str]:
        return {"relation": relation, "url": f"{url}?{urlencode({**query, '_count': count, 'page': number})}"}

    links = [link("self", page), link("first", 1)]
    if page > 1:
        links.append(link("previous", min(page - 1, last)))
    if page < last:
        links.append(link("next", page + 1))
    links.append(link("last", last))
    return links
