"""Who receives dispatched events. The outbox knows nothing of webhooks or e-mail: the apps that
deliver register a handler here (in their AppConfig.ready), and dispatch calls each in turn."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outbox.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]
_handlers: list[Handler] = []


def register(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def registered() -> tuple[Handler, ...]:
    return tuple(_handlers)
