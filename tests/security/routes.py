"""The API's routes as the URL resolver knows them, so tests cover every route that exists."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIXES = ("api/v1/", "fhir")
HANDLER_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    parameters: tuple[str, ...]
    methods: tuple[str, ...]

    def __str__(self) -> str:
        return self.name

    def url(self, **kwargs) -> str:
        return reverse(self.name, kwargs=kwargs)


def _walk(patterns, prefix: str = "", parameters: tuple[str, ...] = ()):
    for entry in patterns:
        names = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), parameters + names)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, parameters + names


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet route: exactly the methods it maps
        return tuple(method.upper() for method in HANDLER_METHODS if method in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ("GET",)
    return tuple(method.upper() for method in HANDLER_METHODS if hasattr(view_class, method))


def api_routes() -> list[Route]:
    """Every named route under /api/v1/ (and /fhir/ when it exists)."""
    found = []
    for pattern, entry, parameters in _walk(get_resolver().url_patterns):
        if not pattern.startswith(API_PREFIXES):
            continue
        assert entry.name, f"route {pattern} has no name: name it so the security tables can"
        found.append(Route(entry.name, pattern, parameters, _methods(entry.callback)))
    return sorted(found, key=lambda route: route.name)


def id_routes() -> list[Route]:
    """Routes whose path takes a value (an id or a code)."""
    return [route for route in api_routes() if route.parameters]
