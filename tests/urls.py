"""Every URL pattern of the project, with a concrete example path, for tests that walk them all."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

EXAMPLE_VALUES = {"int": "1", "slug": "motifs", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}


def all_routes(resolver=None, prefix=""):
    """(route, url name) for every pattern but Django's admin, which guards itself with its own login."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from all_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def example_path(route: str) -> str:
    """A concrete path for a route: every <converter:name> gets a plausible value."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: EXAMPLE_VALUES.get(m.group(1) or "str", "x"), route)
    return "/" + path.lstrip("^").rstrip("$")
