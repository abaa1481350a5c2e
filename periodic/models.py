from django.db import models


class PeriodicRun(models.Model):
    """The state of one periodic task of the registry (periodic/registry.py).

    `pending_id` names the one queued run allowed to do the next round: a run whose id is not
    this row's is a duplicate and exits without working, so however many workers (or
    `periodic_ensure` calls) there are, a periodic task has one chain of runs.
    """

    name = models.CharField(max_length=64, primary_key=True)
    pending_id = models.CharField(max_length=64, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
