from config.tasks import task


@task()
def dispatch_events(event_ids: list[int]) -> int:
    """Hand each event to the handlers, once; returns how many were dispatched by this run."""
    from outbox.services import outbox_dispatch

    return sum(outbox_dispatch(event_id) for event_id in event_ids)
