"""The label a flag is shown under: a *possible* pattern, never a disorder's name.

EHR banners and inbox lists often show only a flag's coded display, so the label itself must read
as a screen (issue 13): "Possible avoidant pattern (screen, not a diagnosis)". An instrument's rule
names its label; for a rule that does not (versions published before labels existed) the label is
derived from the knowledge base's condition name, still as a possible finding and a screen. The
knowledge base keeps the condition's full name for its own pages.
"""

SCREEN_QUALIFIER = "(screen, not a diagnosis)"


def flag_label(rule_label: str | None, condition_name: str) -> str:
    """The label of a flag raised by a rule with `rule_label` on a condition named so."""
    if rule_label:
        return rule_label
    name = condition_name.strip()
    if SCREEN_QUALIFIER in name:
        return name
    if not name.lower().startswith("possible"):
        # Keep acronyms and proper nouns as written ("PTSD"); lower only an ordinary first word.
        first, _, rest = name.partition(" ")
        if first[:1].isupper() and not first.isupper():
            first = first.lower()
        name = f"Possible {first} {rest}".rstrip()
    return f"{name} {SCREEN_QUALIFIER}"
