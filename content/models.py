"""The knowledge base: what the source articles say about hyper-independence, in our own words.

The JSON files in `content/data/` are the source of truth; `content.services.library.content_load`
copies them here so the API can filter, search and join them. Every entry keeps the stable `code`
of its file: stored screenings and instrument flag rules name those codes, so an entry that leaves
the files is marked retired (`retired_at`), never deleted.

Citations are stored as the files give them (a list of `{source, section}`, in article order) and
mirrored in a `sources` many-to-many that exists only so lists can filter and prefetch by source.
"""

from django.db import models


class ContentEntry(models.Model):
    """Fields every kind of entry has."""

    code = models.CharField(max_length=64, unique=True)
    # The entry's index in its file: the files' order is their display order (grouping by
    # domain, article order), so lists keep it.
    position = models.PositiveIntegerField(default=0, editable=False)
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the entry left the data files; retired entries stay resolvable by "
        "code for the screenings that name them, but leave the lists.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("position", "code")

    def __str__(self) -> str:
        return self.code


class Source(ContentEntry):
    """One source article. Its fields are the article's own metadata, as printed."""

    file = models.CharField(max_length=100, help_text="Seed file name in ../shared/seeds/.")
    title = models.CharField(max_length=300, blank=True, help_text="Empty when none is printed.")
    label = models.CharField(max_length=200, help_text="Our short descriptive name.")
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    sections = models.JSONField(default=list, help_text="Every heading, in article order.")


class CitedEntry(ContentEntry):
    """An entry that rests on article sections."""

    citations = models.JSONField(
        default=list,
        blank=True,
        help_text='A list of {"source": <source code>, "section": <heading as printed>}.',
    )
    # Derived from `citations` by the services that write them; never edited on its own.
    sources = models.ManyToManyField(Source, related_name="+", blank=True, editable=False)

    class Meta(ContentEntry.Meta):
        abstract = True


class Domain(CitedEntry):
    """A group of indicators (help-seeking, control, trust...)."""

    name = models.CharField(max_length=200)
    description = models.TextField()


class Indicator(CitedEntry):
    """A documented sign or pattern of hyper-independence (`HI-ASK-HELP`)."""

    name = models.CharField(max_length=200)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="indicators")
    description = models.TextField()
    examples = models.JSONField(default=list, help_text="Example behaviours, as a list of strings.")


class Condition(CitedEntry):
    """A condition a flag may name for clinician review. Never a diagnosis."""

    name = models.CharField(max_length=200)
    relation = models.TextField(help_text="How the articles relate it to hyper-independence.")
    distinguishing = models.TextField(help_text="What sets it apart.")
    indicators = models.ManyToManyField(Indicator, related_name="conditions", blank=True)
    # A plain instrument code (`phq9`), not a foreign key: the knowledge base does not depend on
    # the screening app, which depends on it (flag rules name condition codes).
    follow_up_instrument = models.CharField(
        max_length=40,
        blank=True,
        help_text="Code of the validated follow-up instrument; empty when there is none.",
    )
    follow_up_note = models.TextField()
    not_a_diagnosis = models.TextField()
    external_references = models.JSONField(
        default=list,
        blank=True,
        help_text='A list of {"citation": <reference>, "relevance": <why it is cited>}.',
    )


class Origin(CitedEntry):
    """Where hyper-independence may come from."""

    name = models.CharField(max_length=200)
    description = models.TextField()
    indicators = models.ManyToManyField(Indicator, related_name="origins", blank=True)


class Impact(CitedEntry):
    """What hyper-independence may cost the person."""

    name = models.CharField(max_length=200)
    description = models.TextField()
    indicators = models.ManyToManyField(Indicator, related_name="impacts", blank=True)


class Comparison(CitedEntry):
    """One aspect of healthy independence set against hyper-independence."""

    aspect = models.CharField(max_length=200)
    healthy = models.TextField()
    hyper = models.TextField()


class ApproachType(models.TextChoices):
    THERAPY = "therapy", "Therapy"
    PRACTICE = "practice", "Practice"
    SERVICE = "service", "Service"


class Approach(CitedEntry):
    """A therapeutic approach the articles describe."""

    name = models.CharField(max_length=200)
    description = models.TextField()
    type = models.CharField(max_length=10, choices=ApproachType.choices)
    indicators = models.ManyToManyField(Indicator, related_name="approaches", blank=True)

    class Meta(CitedEntry.Meta):
        verbose_name_plural = "approaches"
