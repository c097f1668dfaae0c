"""The "Page(s)" links of a list page, read from its HTML, for the pagination tests."""

import html
import re

LINK = re.compile(r'<strong aria-current="page">(\d+)</strong>|<a href="([^"]*)">\d+</a>|(…)')


def page_links(response) -> list[str]:
    """In order: the current page as "[3]", each other page as its link, each gap as "…"."""
    nav = re.search(r'<nav aria-label="Pages">(.*?)</nav>', response.content.decode(), re.S)
    return [
        f"[{current}]" if current else html.unescape(href) or gap
        for current, href, gap in LINK.findall(nav.group(1))
    ]
