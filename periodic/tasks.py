"""The one task every periodic entry runs as (see periodic/registry.py)."""

from config.tasks import TaskContext, task


@task(takes_context=True)
def run_periodic(context: TaskContext, name: str) -> str:
    from periodic.services import periodic_run

    return periodic_run(name=name, run_id=str(context.task_result.id))
