"""Per-request context: a request id, the client's address, and one log line per request.

The context lives in a ContextVar so that code far from the view (the audit trail, log records)
can name the request it serves without the request object being passed down.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("screening.request")

# A caller-supplied id is kept only when it is short and plain, so it cannot inject into logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        record.request_id = context.request_id if context else "-"
        return True


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        context = RequestContext(
            request_id=request_id,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", "")[:512],
        )
        request.request_id = request_id
        token = _current.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            _current.reset(token)

    @staticmethod
    def _log(request: HttpRequest, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        logger.info(
            "method=%s path=%s status=%s duration_ms=%.1f user=%s",
            request.method,
            request.path,
            status,
            (time.perf_counter() - started) * 1000,
            user_id,
        )


class MinimumLevelFilter(logging.Filter):
    """Drops records below `level`, whatever level the logger itself is set to.

    The task runner's worker (`db_worker`) sets its loggers' levels from its `--verbosity`, over
    the settings, and logs two INFO lines per task run; a filter is the one setting it leaves
    alone (`TASKS_LOG_LEVEL`)."""

    def __init__(self, level: str = "INFO") -> None:
        super().__init__()
        self.level = logging.getLevelName(level)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level
