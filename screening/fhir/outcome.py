"""Problems with a resource we were sent, and the OperationOutcome that reports them (pure).

Every reading function (`client_fields`, `read_response`, `answers_from_response`) reports all
the problems it finds at once as `Issue`s, each with the FHIRPath of the bad element
(`QuestionnaireResponse.item[3].answer[0]`), and raises `ResourceError` with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

SEVERITIES = ("fatal", "error", "warning", "information")


@dataclass(frozen=True, slots=True)
class Issue:
    """One OperationOutcome.issue: `code` from the FHIR IssueType value set (`invalid`,
    `required`, `value`, `code-invalid`, `not-found`, `not-supported`, `business-rule`, ...)."""

    severity: str
    code: str
    diagnostics: str
    expression: tuple[str, ...] = ()

    def to_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue

    def rebased(self, old_root: str, new_root: str) -> Issue:
        """The same issue with each expression's leading `old_root` replaced by `new_root`."""
        return replace(
            self, expression=tuple(rebase(e, old_root, new_root) for e in self.expression)
        )


def error(code: str, diagnostics: str, *expression: str) -> Issue:
    return Issue("error", code, diagnostics, tuple(expression))


def rebase(expression: str, old_root: str, new_root: str) -> str:
    """`QuestionnaireResponse.item[3]` -> `Bundle.entry[2].resource.item[3]`."""
    if expression == old_root:
        return new_root
    if expression.startswith(old_root + "."):
        return new_root + expression[len(old_root) :]
    return expression


class ResourceError(ValueError):
    """A resource we were sent cannot be used as it is; `issues` says where and why.

    `structural` is True when the resource is not valid FHIR at all (HTTP 400); otherwise it is
    valid FHIR that breaks our rules or its Questionnaire (HTTP 422).
    """

    def __init__(self, issues: Sequence[Issue], *, structural: bool = False):
        self.issues = list(issues)
        self.structural = structural
        shown = "; ".join(
            (f"{i.expression[0]}: " if i.expression else "") + i.diagnostics
            for i in self.issues[:5]
        )
        super().__init__(shown or "invalid resource")


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    listed = [issue.to_fhir() for issue in issues]
    if not listed:
        listed = [{"severity": "information", "code": "informational", "diagnostics": "OK"}]
    return {"resourceType": "OperationOutcome", "issue": listed}
