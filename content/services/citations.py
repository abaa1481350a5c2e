"""The shape every citation list must have, checked by the loader and by admin edits alike."""

from collections.abc import Collection, Mapping
from typing import Any


def citation_errors(citations: Any, sections: Mapping[str, Collection[str]]) -> list[str]:
    """Every problem with a citation list, given the sections of each known source by code.

    A citation is `{"source": <code>, "section": <heading>}`; the heading must be one the source
    lists, so a citation always points at a place a reader can find in the article.
    """
    if not isinstance(citations, list):
        return ['Citations must be a list of {"source": ..., "section": ...}.']
    errors = []
    for index, citation in enumerate(citations):
        if not isinstance(citation, dict) or set(citation) != {"source", "section"}:
            errors.append(f'[{index}]: use exactly {{"source": ..., "section": ...}}.')
            continue
        source, section = citation["source"], citation["section"]
        if source not in sections:
            errors.append(f"[{index}]: unknown source {source!r}.")
        elif section not in sections[source]:
            errors.append(f"[{index}]: {source} has no section {section!r}.")
    return errors


def cited_source_codes(citations: list[dict]) -> set[str]:
    return {citation["source"] for citation in citations}
