"""An external SDC Questionnaire (FHIR R4 JSON) -> a draft in our instrument definition format.

`definition_from_questionnaire(questionnaire)` returns `(definition, warnings)`, or raises
`QuestionnaireImportError` listing every problem that prevents a faithful draft (each naming the
element path and the linkId). The draft always passes `screening.engine.validate()`; it is
`validated: false` (an external form is not vouched for until an instrument admin reviews it).

How items map (see docs/fhir.md, "Questionnaire mapping"):
- `choice` / `open-choice` items -> choice items; options from `answerOption` (`valueCoding`,
  `valueInteger` or `valueString`) or from a contained `answerValueSet`; an option's number from
  the `ordinalValue` extension, else `itemWeight`, else the older `iso21090-CO-value`, on the
  answerOption or on its Coding (a `valueInteger` option without one counts its integer);
- `boolean` items -> boolean items; `group` items are flattened (children keep their linkIds, the
  group's enableWhen is added to each child's); top `display` items become `instructions`, other
  display items are dropped; other item types are dropped with a warning;
- items with a `calculatedExpression` are not questions: each becomes a scale. Which items it adds
  up, and how (plain sum, reverse-coded, or a count over a threshold), is found by evaluating the
  expression with fhirpathpy on responses built from the options, changing one answer at a time;
  the largest becomes `total`. Without any calculation, `total` is the sum of every choice item
  with numeric values. Then sample responses (all lowest, all highest, seeded random answers) are
  scored by both the Questionnaire's own expressions and our engine: each disagreement is reported,
  and every sample is stored in `examples` with the Questionnaire's result, so publishing the
  draft (which runs the examples) fails while they disagree.
"""

from __future__ import annotations

import operator
import random
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from screening.engine import DefinitionError, score, validate
from screening.engine import compile as compile_definition

from . import fhirpath
from .constants import (
    CALCULATED_EXPRESSIONS,
    CQF_CITATION,
    CRITICAL_ITEM,
    ENABLE_WHEN_EXPRESSION,
    INDICATOR,
    VALUE_EXTENSIONS,
)
from .validation import resource_issues

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
LINK_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
DEFAULT_SEED = 20250101
DEFAULT_SAMPLES = 8
MAX_ITEMS = 500
MAX_DEPTH = 20
# Finding what a calculatedExpression adds up evaluates it once per question and sample, and one
# evaluation walks the expression over the response and the Questionnaire: for a sum written term
# by term (`%questionnaire.item.where(linkId = 'q1')... + ...`) that is cubic in the number of
# items (80 items took 217 s of CPU). So an import may take this many FHIRPath steps in all (each
# node fhirpathpy evaluates is one; about 3.5 s of CPU), and is refused past it. The shipped PCL-5,
# the costliest, takes under half of it (650,000).
MAX_FHIRPATH_STEPS = 1_500_000


@dataclass(frozen=True, slots=True)
class QuestionnaireImportWarning:
    """One finding of an import.

    `severity` is `warning` (the draft differs from the Questionnaire or needs a look) or `error`
    (no faithful draft: raised in a QuestionnaireImportError). `path` is the FHIR element path
    (`Questionnaire.item[3].answerOption[1]`), `link_id` the Questionnaire linkId concerned.
    """

    severity: str
    code: str
    message: str
    path: str | None = None
    link_id: str | None = None


class QuestionnaireImportError(ValueError):
    """The Questionnaire cannot become a faithful draft; `issues` lists every error found."""

    def __init__(self, issues: Sequence[QuestionnaireImportWarning]):
        self.issues = list(issues)
        lines = "; ".join(
            (f"[{i.link_id}] " if i.link_id else "") + f"{i.message}" for i in self.issues[:10]
        )
        more = f" (and {len(self.issues) - 10} more)" if len(self.issues) > 10 else ""
        super().__init__(f"cannot import the Questionnaire: {lines}{more}")


# --- what the walk collects ---------------------------------------------------------------------


@dataclass
class _Option:
    code: str
    system: str | None
    label: str
    value: Decimal | None
    answer: dict[str, Any]  # the QuestionnaireResponse answer choosing this option
    integer: int | None = None  # for valueInteger options: the integer itself
    string: str | None = None  # for valueString options


@dataclass
class _Question:
    fhir_id: str
    path: str
    node: Mapping[str, Any]
    type: str  # "choice" or "boolean"
    options: list[_Option] = field(default_factory=list)
    positional: bool = False  # options had no numbers: values are their positions 0, 1, ...
    # Conditions from enclosing groups, then the item's own: (enableWhen list, behavior, path).
    conditions: list[tuple[list[Any], str, str]] = field(default_factory=list)
    link_id: str = ""
    index: int = 0
    lead_in: str | None = None  # the stem shown just before it (a `<linkId>-lead-in` display)

    def values(self) -> list[Any]:
        if self.type == "boolean":
            return [False, True]
        return [_plain(o.value) for o in self.options]

    def numeric(self, value: Any) -> Decimal:
        return Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))

    def answer_for(self, value: Any) -> dict[str, Any]:
        if self.type == "boolean":
            return {"valueBoolean": value}
        for option in self.options:
            if _plain(option.value) == value:
                return option.answer
        raise KeyError(value)


@dataclass
class _Calculated:
    fhir_id: str
    path: str
    node: Mapping[str, Any]


@dataclass
class _Contribution:
    kind: str  # "sum", "reverse" or "count"
    threshold: Decimal | None = None


class _Issues:
    def __init__(self) -> None:
        self.items: list[QuestionnaireImportWarning] = []

    def warn(self, code: str, message: str, path: str | None = None, link_id: Any = None) -> None:
        link = link_id if isinstance(link_id, str) else None
        self.items.append(QuestionnaireImportWarning("warning", code, message, path, link))

    def error(self, code: str, message: str, path: str | None = None, link_id: Any = None) -> None:
        link = link_id if isinstance(link_id, str) else None
        self.items.append(QuestionnaireImportWarning("error", code, message, path, link))

    def raise_errors(self) -> None:
        errors = [i for i in self.items if i.severity == "error"]
        if errors:
            raise QuestionnaireImportError(errors)


# --- entry point --------------------------------------------------------------------------------


def definition_from_questionnaire(
    questionnaire: Mapping[str, Any],
    *,
    code: str | None = None,
    unscored: Collection[str] = (),
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[dict[str, Any], list[QuestionnaireImportWarning]]:
    """Convert an SDC Questionnaire into a draft definition; return it with the warnings.

    - `code`: our instrument code for the draft (default: made from the last segment of the
      canonical `url`, else the `name`, else the `id`: lowercased, other characters as `-`);
    - `unscored`: Questionnaire linkIds of choice items that no score uses, for Questionnaires
      without a calculatedExpression (they may lack numeric values; with a calculation, the
      calculation tells which items count);
    - `samples`, `seed`: how many random answer sets check the Questionnaire's calculation
      against ours (besides all-lowest and all-highest), and the seed that makes them repeatable.

    Raises QuestionnaireImportError (each issue with its path and linkId) when no faithful draft
    can be made: e.g. a choice item that a score uses but whose options carry no numbers.
    """
    issues = _Issues()
    if (
        not isinstance(questionnaire, Mapping)
        or questionnaire.get("resourceType") != "Questionnaire"
    ):
        issues.error("not_a_questionnaire", "expected a FHIR Questionnaire resource")
        issues.raise_errors()
    if code is not None and not CODE_PATTERN.match(code):
        issues.error("invalid_code", f"code {code!r} must match {CODE_PATTERN.pattern}")
        issues.raise_errors()

    fhir_problems = resource_issues(questionnaire)
    if fhir_problems:
        shown = "; ".join(f"{p.path}: {p.message}" for p in fhir_problems[:5])
        more = f" (and {len(fhir_problems) - 5} more)" if len(fhir_problems) > 5 else ""
        issues.warn(
            "not_valid_fhir",
            f"the Questionnaire is not strictly valid FHIR R4 ({shown}{more}); imported anyway, "
            "since those elements are not used or are read leniently",
        )

    walk = _Walk(questionnaire, issues)
    walk.run()
    issues.raise_errors()
    questions, calculated = walk.questions, walk.calculated
    if not questions:
        issues.error("no_questions", "the Questionnaire has no choice or boolean question")
        issues.raise_errors()
    if len(questions) > MAX_ITEMS:
        issues.error("too_many_items", f"more than {MAX_ITEMS} questions")
        issues.raise_errors()

    _assign_link_ids(questions, issues)
    unscored_ids = set(unscored)
    _check_option_values(questions, bool(calculated), unscored_ids, issues)
    issues.raise_errors()
    conditions = {
        q.fhir_id: _condition(q, walk.by_fhir_id, walk.dropped, issues) for q in questions
    }
    issues.raise_errors()

    items = [_item(q, conditions[q.fhir_id], issues) for q in questions]
    base = _metadata(questionnaire, code, walk.instructions, issues)
    base["option_sets"] = {}
    base["items"] = items
    base["rules"] = []
    base["examples"] = []

    try:
        scales, examples = _Scoring(
            questionnaire, base, questions, calculated, unscored_ids, issues, samples, seed
        ).run()
    except DefinitionError as exc:  # a bug in this module, not in the Questionnaire
        for error in exc.errors:
            issues.error("internal", f"draft invalid at {error.path}: {error.message}")
        issues.raise_errors()
        raise
    issues.raise_errors()
    scored = {link_id for scale in scales for link_id in scale["items"]}
    for item, question in zip(items, questions, strict=True):
        item["scored"] = item["link_id"] in scored
        if question.positional:  # a score using it was an error above
            issues.warn(
                "values_by_position",
                "options carry no numeric values and no score uses this item: imported as "
                "unscored, with values 0, 1, ... by position (answers are stored by value)",
                question.path,
                question.fhir_id,
            )
    base["scales"] = scales
    base["examples"] = examples
    _share_option_sets(base)
    issues.raise_errors()

    errors = validate(base)
    if errors:  # a bug in this module, not in the Questionnaire
        for error in errors:
            issues.error("internal", f"draft invalid at {error.path}: {error.message}")
        issues.raise_errors()
    return base, issues.items


# --- walking the items --------------------------------------------------------------------------


class _Walk:
    def __init__(self, questionnaire: Mapping[str, Any], issues: _Issues):
        self.questionnaire = questionnaire
        self.issues = issues
        self.questions: list[_Question] = []
        self.calculated: list[_Calculated] = []
        self.by_fhir_id: dict[str, _Question] = {}
        self.instructions: list[str] = []
        self.seen: set[str] = set()
        self.dropped: dict[str, str] = {}  # fhir linkId -> why, for enableWhen references
        self.groups: list[str] = []
        self.lead_ins: dict[str, str] = {}  # fhir linkId of a question -> its lead-in text

    def run(self) -> None:
        self.walk(self.questionnaire.get("item") or [], "Questionnaire", [])
        if self.groups:
            self.issues.warn(
                "groups_flattened",
                "groups flattened (their items keep their linkIds, their headings are dropped, "
                f"a group's enableWhen applies to each of its items): {', '.join(self.groups)}",
            )

    def walk(
        self,
        items: Any,
        path: str,
        inherited: list[tuple[list[Any], str, str]],
        depth: int = 0,
    ) -> None:
        if not isinstance(items, list):
            return
        if depth > MAX_DEPTH:
            self.issues.error("too_deep", f"items nested more than {MAX_DEPTH} levels", path)
            return
        for i, item in enumerate(items):
            where = f"{path}.item[{i}]"
            if not isinstance(item, Mapping):
                self.issues.error("invalid_item", "an item must be an object", where)
                continue
            link_id = item.get("linkId")
            if not isinstance(link_id, str) or not link_id:
                self.issues.error("no_link_id", "an item needs a linkId", where)
                continue
            if link_id in self.seen:
                self.issues.error(
                    "duplicate_link_id", f"linkId {link_id!r} repeats", where, link_id
                )
                continue
            self.seen.add(link_id)
            own = list(inherited)
            if item.get("enableWhen"):
                behavior = item.get("enableBehavior")
                if behavior not in ("all", "any"):
                    if len(item["enableWhen"]) > 1:
                        self.issues.warn(
                            "enable_behavior",
                            "several enableWhen without enableBehavior: read as 'all'",
                            where,
                            link_id,
                        )
                    behavior = "all"
                own.append((list(item["enableWhen"]), behavior, where))
            kind = item.get("type")
            if _has_extension(item, CALCULATED_EXPRESSIONS):
                self.calculated.append(_Calculated(link_id, where, item))
                self.dropped[link_id] = "a calculated item"
            elif kind == "group":
                if item.get("text"):
                    self.dropped[link_id] = "a group"
                self.groups.append(link_id)
                if item.get("repeats"):
                    self.issues.warn(
                        "repeating_group",
                        "a repeating group is imported as asked once",
                        where,
                        link_id,
                    )
                self.walk(item.get("item"), where, own, depth + 1)
                continue
            elif kind == "display":
                self.dropped[link_id] = "a display item"
                text = item.get("text")
                following = items[i + 1] if i + 1 < len(items) else None
                if (
                    isinstance(text, str)
                    and text.strip()
                    and isinstance(following, Mapping)
                    and link_id == f"{following.get('linkId')}-lead-in"
                ):
                    # Our export's stem before a question (the item's `lead_in`).
                    self.lead_ins[following["linkId"]] = text
                elif not self.questions and not own and isinstance(text, str):
                    self.instructions.append(text)
                elif isinstance(text, str) and text.strip():
                    self.issues.warn(
                        "display_dropped",
                        f"display text dropped: {_short(text)!r}",
                        where,
                        link_id,
                    )
            elif kind in ("choice", "open-choice", "boolean"):
                self.question(item, kind, where, own)
            else:
                self.dropped[link_id] = f"a {kind!r} item"
                self.issues.warn(
                    "unsupported_item",
                    f"a {kind!r} item cannot be asked by our instruments (only choice and "
                    "boolean): dropped"
                    + (" although it is required" if item.get("required") else ""),
                    where,
                    link_id,
                )
            # Items nested under a question are shown with it: flatten them after it.
            self.walk(item.get("item"), where, own, depth + 1)

    def question(
        self, item: Mapping[str, Any], kind: str, where: str, conditions: list[Any]
    ) -> None:
        link_id = item["linkId"]
        if _has_extension(item, (ENABLE_WHEN_EXPRESSION,)):
            self.issues.error(
                "enable_when_expression",
                "an enableWhenExpression (FHIRPath) cannot be turned into our enable-when "
                "conditions; rewrite it as enableWhen",
                where,
                link_id,
            )
        if item.get("repeats"):
            self.dropped[link_id] = "an item allowing several answers"
            self.issues.warn(
                "repeating_item",
                "an item allowing several answers cannot be asked by our instruments: dropped",
                where,
                link_id,
            )
            return
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            self.issues.error("no_text", "a question needs its text", where, link_id)
            text = link_id
        question = _Question(link_id, where, item, "boolean" if kind == "boolean" else "choice")
        question.conditions = conditions
        question.lead_in = self.lead_ins.get(link_id)
        if kind == "open-choice":
            self.issues.warn(
                "open_choice",
                "open-choice imported as choice: free-text answers cannot be given",
                where,
                link_id,
            )
        if question.type == "choice":
            question.options = self.options(item, where)
        elif item.get("answerOption"):
            self.issues.warn("boolean_options", "answerOption on a boolean ignored", where, link_id)
        self.questions.append(question)
        self.by_fhir_id[link_id] = question

    def options(self, item: Mapping[str, Any], where: str) -> list[_Option]:
        link_id = item["linkId"]
        raw = item.get("answerOption")
        base_path = f"{where}.answerOption"
        if not raw and item.get("answerValueSet"):
            raw, base_path = self.value_set(item, where)
        if not raw:
            self.issues.error(
                "no_options", "a choice item has no answerOption to import", where, link_id
            )
            return []
        options: list[_Option] = []
        for j, entry in enumerate(raw):
            path = f"{base_path}[{j}]"
            if not isinstance(entry, Mapping):
                self.issues.error("invalid_option", "an answer option must be an object", path)
                continue
            option = self.option(entry, path, link_id)
            if option is not None:
                options.append(option)
        keys = [(o.system, o.code) for o in options]
        codes = [o.code for o in options]
        for j, key in enumerate(keys):
            if key in keys[:j] or codes[j] in codes[:j]:
                self.issues.error(
                    "duplicate_option",
                    f"option code {codes[j]!r} repeats in this item",
                    f"{base_path}[{j}]",
                    link_id,
                )
        return options

    def option(self, entry: Mapping[str, Any], path: str, link_id: str) -> _Option | None:
        value = _option_value(entry, path, link_id, self.issues)
        if isinstance(entry.get("valueCoding"), Mapping):
            coding = entry["valueCoding"]
            code = coding.get("code")
            if not isinstance(code, str) or not code:
                self.issues.error("option_code", "an option's Coding has no code", path, link_id)
                return None
            system = coding.get("system") if isinstance(coding.get("system"), str) else None
            label = coding.get("display")
            if not isinstance(label, str) or not label.strip():
                label = code
            answer = {
                "valueCoding": {
                    k: coding[k] for k in ("system", "version", "code", "display") if k in coding
                }
            }
            return _Option(code, system, label, value, answer)
        if "valueInteger" in entry and isinstance(entry["valueInteger"], int):
            number = entry["valueInteger"]
            if value is None:
                value = Decimal(number)
            return _Option(str(number), None, str(number), value, {"valueInteger": number}, number)
        if isinstance(entry.get("valueString"), str) and entry["valueString"]:
            text = entry["valueString"]
            return _Option(text, None, text, value, {"valueString": text}, string=text)
        kinds = [k for k in entry if k.startswith("value")] or ["no value"]
        self.issues.error(
            "option_type",
            f"answer option with {kinds[0]}: only valueCoding, valueInteger and valueString "
            "options can be imported",
            path,
            link_id,
        )
        return None

    def value_set(self, item: Mapping[str, Any], where: str) -> tuple[list[Any], str]:
        """Options from a contained ValueSet (`answerValueSet: "#id"`), as answerOption entries."""
        link_id = item["linkId"]
        reference = item["answerValueSet"]
        contained = {
            r.get("id"): (i, r)
            for i, r in enumerate(self.questionnaire.get("contained") or [])
            if isinstance(r, Mapping) and r.get("resourceType") == "ValueSet"
        }
        found = (
            contained.get(reference[1:])
            if isinstance(reference, str) and reference.startswith("#")
            else None
        )
        if found is None:
            self.issues.error(
                "answer_value_set",
                f"answerValueSet {reference!r} is not a contained ValueSet: its options (and "
                "their values) cannot be read; expand it into answerOption",
                where,
                link_id,
            )
            return [], where
        index, value_set = found
        entries: list[Any] = []
        expansion = (value_set.get("expansion") or {}).get("contains")
        if expansion:
            for concept in expansion:
                entries.append(_concept_option(concept, concept.get("system")))
            return entries, f"Questionnaire.contained[{index}].expansion.contains"
        for include in (value_set.get("compose") or {}).get("include") or []:
            for concept in include.get("concept") or []:
                entries.append(_concept_option(concept, include.get("system")))
        return entries, f"Questionnaire.contained[{index}].compose.include.concept"


def _concept_option(concept: Mapping[str, Any], system: Any) -> dict[str, Any]:
    coding = {"code": concept.get("code")}
    if isinstance(system, str):
        coding["system"] = system
    if concept.get("display"):
        coding["display"] = concept["display"]
    return {"valueCoding": coding, "extension": list(concept.get("extension") or [])}


def _option_value(
    entry: Mapping[str, Any], path: str, link_id: str, issues: _Issues
) -> Decimal | None:
    """The option's number from its extensions (on the answerOption, then on its Coding)."""
    found: list[tuple[str, Decimal]] = []
    owners = [entry.get("extension")]
    if isinstance(entry.get("valueCoding"), Mapping):
        owners.append(entry["valueCoding"].get("extension"))
    for extensions in owners:
        for extension in extensions or []:
            if not isinstance(extension, Mapping) or extension.get("url") not in VALUE_EXTENSIONS:
                continue
            number = _extension_number(extension)
            if number is None:
                issues.error(
                    "option_value",
                    f"{extension['url']} without a numeric valueDecimal / valueInteger",
                    path,
                    link_id,
                )
                continue
            found.append((extension["url"], number))
    if not found:
        return None
    distinct = {number for _, number in found}
    if len(distinct) > 1:
        listing = ", ".join(f"{url.rsplit('/', 1)[-1]}={n}" for url, n in found)
        issues.error(
            "conflicting_values", f"the option's values disagree: {listing}", path, link_id
        )
    # Highest-priority extension wins (ordinalValue, then itemWeight, then iso21090-CO-value).
    found.sort(key=lambda pair: VALUE_EXTENSIONS.index(pair[0]))
    return found[0][1]


def _extension_number(extension: Mapping[str, Any]) -> Decimal | None:
    for key in ("valueDecimal", "valueInteger"):
        value = extension.get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
            return number if number.is_finite() else None
    return None


# --- link ids, values, conditions -----------------------------------------------------------------


def link_id_for(fhir_link_id: str) -> str:
    """Our link id for a Questionnaire linkId (before making it unique): `/44250-9` -> `44250-9`.

    Our link ids match `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`; a `/` becomes `.`, other characters
    outside the pattern `-`, leading punctuation is dropped.
    """
    text = fhir_link_id.replace("/", ".")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"^[^A-Za-z0-9]+", "", text)[:64]
    return text or "item"


def link_id_map(questionnaire: Mapping[str, Any]) -> dict[str, str]:
    """Questionnaire linkId -> our link id, for every question the import keeps.

    The same mapping `definition_from_questionnaire` uses, so QuestionnaireResponses written
    against the original Questionnaire can be read into an imported instrument.
    """
    walk = _Walk(questionnaire, _Issues())
    walk.run()
    _assign_link_ids(walk.questions, _Issues())
    return {q.fhir_id: q.link_id for q in walk.questions}


def _assign_link_ids(questions: list[_Question], issues: _Issues) -> None:
    taken: set[str] = set()
    renamed = []
    for index, question in enumerate(questions):
        base = link_id_for(question.fhir_id)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            suffix = f"-{n}"
            candidate = base[: 64 - len(suffix)] + suffix
        taken.add(candidate)
        question.link_id = candidate
        question.index = index
        if candidate != question.fhir_id:
            renamed.append(f"{question.fhir_id!r} -> {candidate!r}")
    if renamed:
        issues.warn(
            "link_ids_renamed",
            "linkIds renamed to fit our link id pattern (responses are mapped with "
            f"link_id_map()): {', '.join(renamed)}",
        )


def _check_option_values(
    questions: list[_Question], has_calculation: bool, unscored: set[str], issues: _Issues
) -> None:
    for question in questions:
        if question.type != "choice" or not question.options:
            continue
        missing = [o.code for o in question.options if o.value is None]
        if not missing:
            values = [o.value for o in question.options]
            for j, value in enumerate(values):
                if value in values[:j]:
                    issues.error(
                        "duplicate_values",
                        f"two options have the value {value}: our answers are stored by value, "
                        "so options must have distinct values",
                        question.path,
                        question.fhir_id,
                    )
                    break
            continue
        if len(missing) < len(question.options):
            issues.error(
                "partial_values",
                "some options have a numeric value and some do not (no value on "
                f"{', '.join(map(repr, missing))})",
                question.path,
                question.fhir_id,
            )
            continue
        if not has_calculation and question.fhir_id not in unscored:
            issues.error(
                "no_values",
                f"choice item {question.fhir_id!r}: no option carries a numeric value "
                "(ordinalValue, itemWeight or iso21090-CO-value extension), and there is no "
                "calculatedExpression saying it is unscored; add the values, or name the item "
                "in `unscored`",
                question.path,
                question.fhir_id,
            )
            continue
        # Possibly unscored: give positional values now; scoring decides (and errors if used).
        question.positional = True
        for position, option in enumerate(question.options):
            option.value = Decimal(position)


_SIMPLE_OPS = {"=", "!=", ">", ">=", "<", "<="}


def _condition(
    question: _Question,
    by_fhir_id: Mapping[str, _Question],
    dropped: Mapping[str, str],
    issues: _Issues,
) -> dict[str, Any] | None:
    parts: list[dict[str, Any]] = []
    for conditions, behavior, path in question.conditions:
        leaves = []
        for j, condition in enumerate(conditions):
            where = f"{path}.enableWhen[{j}]"
            leaf = _leaf(condition, where, question, by_fhir_id, dropped, issues)
            if leaf is not None:
                leaves.append(leaf)
        if len(leaves) != len(conditions):
            return None
        if len(leaves) == 1:
            parts.append(leaves[0])
        elif leaves:
            parts.append({behavior: leaves})
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[dict[str, Any]] = []
    for part in parts:
        flat.extend(part.get("all", [part]))
    return {"all": flat}


def _leaf(
    condition: Any,
    path: str,
    question: _Question,
    by_fhir_id: Mapping[str, _Question],
    dropped: Mapping[str, str],
    issues: _Issues,
) -> dict[str, Any] | None:
    owner = question.fhir_id
    if not isinstance(condition, Mapping):
        issues.error("enable_when", "an enableWhen must be an object", path, owner)
        return None
    ref, op = condition.get("question"), condition.get("operator")
    target = by_fhir_id.get(ref) if isinstance(ref, str) else None
    if target is None:
        why = f"is {dropped[ref]}, not imported" if ref in dropped else "is no item"
        issues.error(
            "enable_when_target",
            f"enableWhen refers to {ref!r}, which {why}: the condition cannot be kept",
            path,
            owner,
        )
        return None
    if target.index >= question.index:
        issues.error(
            "enable_when_order",
            f"enableWhen refers to {ref!r}, which is not asked before this item",
            path,
            owner,
        )
        return None
    answer_keys = [k for k in condition if k.startswith("answer")]
    if len(answer_keys) != 1:
        issues.error("enable_when", "an enableWhen needs exactly one answer[x]", path, owner)
        return None
    (key,) = answer_keys
    answer = condition[key]
    if op == "exists":
        if key != "answerBoolean" or not isinstance(answer, bool):
            issues.error("enable_when", "'exists' takes answerBoolean", path, owner)
            return None
        return {"item": target.link_id, "op": "answered" if answer else "unanswered"}
    if op not in _SIMPLE_OPS:
        issues.error("enable_when", f"unknown enableWhen operator {op!r}", path, owner)
        return None
    matches = _matching_values(target, op, key, answer, path, owner, issues)
    if matches is None:
        return None
    return _set_condition(
        target, matches, negated=op == "!=", path=path, owner=owner, issues=issues
    )


def _matching_values(
    target: _Question, op: str, key: str, answer: Any, path: str, owner: str, issues: _Issues
) -> list[Any] | None:
    """The target's answer values for which the condition's comparison holds.

    For `!=` (true in FHIR when no answer equals the given one, including no answer at all) these
    are the values that differ; the caller adds "or unanswered".
    """
    compare_op = "=" if op == "!=" else op
    if target.type == "boolean":
        if key != "answerBoolean" or op not in ("=", "!="):
            issues.error(
                "enable_when",
                f"boolean item {target.fhir_id!r}: compare with = / != and answerBoolean",
                path,
                owner,
            )
            return None
        hits = [v for v in (False, True) if v == answer]
    else:
        hits = []
        for option in target.options:
            outcome = _compare_option(option, compare_op, key, answer)
            if outcome is None:
                issues.error(
                    "enable_when",
                    f"cannot compare choice item {target.fhir_id!r} using {op!r} with {key}",
                    path,
                    owner,
                )
                return None
            if outcome:
                hits.append(_plain(option.value))
        if key in ("answerInteger", "answerDecimal") and any(
            o.integer is None for o in target.options
        ):
            issues.warn(
                "ordinal_comparison",
                f"{key} on coded item {target.fhir_id!r} read as a comparison with the "
                "option's numeric value",
                path,
                owner,
            )
    if op == "!=":
        return [v for v in target.values() if v not in hits]
    return hits


_FUNCTIONS = {
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _compare_option(option: _Option, op: str, key: str, answer: Any) -> bool | None:
    if key == "answerCoding":
        if op != "=" or not isinstance(answer, Mapping):
            return None
        system = answer.get("system")
        same_system = system is None or option.system is None or system == option.system
        return same_system and answer.get("code") == option.code
    if key == "answerString":
        if op != "=" or option.string is None:
            return None
        return answer == option.string
    if key in ("answerInteger", "answerDecimal"):
        if isinstance(answer, bool) or not isinstance(answer, int | float | Decimal):
            return None
        mine = Decimal(option.integer) if option.integer is not None else option.value
        if mine is None:
            return None
        return bool(_FUNCTIONS[op](mine, Decimal(str(answer))))
    return None


def _set_condition(
    target: _Question,
    values: list[Any],
    *,
    negated: bool,
    path: str,
    owner: str,
    issues: _Issues,
) -> dict[str, Any] | None:
    """Our condition for "the target's answer is one of `values`" (+ "or unanswered")."""
    everything = target.values()
    link_id = target.link_id
    inner: dict[str, Any] | None
    if not values:
        inner = None
    elif len(values) == len(everything):
        inner = {"item": link_id, "op": "answered"}
    elif len(values) == 1:
        inner = {"item": link_id, "op": "=", "value": values[0]}
    elif len(values) == len(everything) - 1 and target.type == "choice":
        (other,) = [v for v in everything if v not in values]
        inner = {"item": link_id, "op": "!=", "value": other}
    else:
        numbers = sorted(values)
        above = [v for v in everything if v >= numbers[0]]
        below = [v for v in everything if v <= numbers[-1]]
        if sorted(above) == numbers:
            inner = {"item": link_id, "op": ">=", "value": numbers[0]}
        elif sorted(below) == numbers:
            inner = {"item": link_id, "op": "<=", "value": numbers[-1]}
        else:
            inner = {"any": [{"item": link_id, "op": "=", "value": v} for v in values]}
    if negated:
        unanswered = {"item": link_id, "op": "unanswered"}
        return unanswered if inner is None else {"any": [unanswered, inner]}
    if inner is None:
        issues.error(
            "enable_when_never",
            f"no answer to {target.fhir_id!r} satisfies this enableWhen: the item could never "
            "be asked",
            path,
            owner,
        )
    return inner


# --- building the draft ---------------------------------------------------------------------------


def _plain(value: Decimal | None) -> int | float:
    if value is None:
        raise ValueError("no value")
    return int(value) if value == value.to_integral_value() else float(value)


def _codings(codes: Any, path: str, link_id: str | None, issues: _Issues) -> list[dict[str, Any]]:
    out = []
    for j, coding in enumerate(codes or []):
        if not isinstance(coding, Mapping):
            continue
        system, code = coding.get("system"), coding.get("code")
        if isinstance(system, str) and system and isinstance(code, str) and code:
            entry = {"system": system, "code": code}
            if isinstance(coding.get("display"), str):
                entry["display"] = coding["display"]
            out.append(entry)
        else:
            issues.warn(
                "code_dropped", "a code without system or code dropped", f"{path}[{j}]", link_id
            )
    return out


def _item(question: _Question, condition: dict[str, Any] | None, issues: _Issues) -> dict[str, Any]:
    node = question.node
    item: dict[str, Any] = {
        "link_id": question.link_id,
        "text": node.get("text") or question.fhir_id,
        "type": question.type,
    }
    if question.type == "choice":
        options = []
        for option in question.options:
            entry: dict[str, Any] = {"code": option.code}
            if option.system:
                entry["system"] = option.system
            entry["label"] = option.label
            entry["value"] = _plain(option.value)
            options.append(entry)
        item["options"] = options
    if question.lead_in:
        item["lead_in"] = question.lead_in
    item["required"] = node.get("required") is True
    item["scored"] = True  # settled once the scales are known
    codes = _codings(node.get("code"), f"{question.path}.code", question.fhir_id, issues)
    if codes:
        item["codes"] = codes
    indicators = [
        e["valueCode"]
        for e in node.get("extension") or []
        if isinstance(e, Mapping)
        and e.get("url") == INDICATOR
        and isinstance(e.get("valueCode"), str)
    ]
    if indicators:
        item["indicators"] = indicators
    if any(
        isinstance(e, Mapping) and e.get("url") == CRITICAL_ITEM and e.get("valueBoolean") is True
        for e in node.get("extension") or []
    ):
        item["critical"] = True
    if condition is not None:
        item["enable_when"] = condition
    return item


def _code_from(text: str) -> str:
    code = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(code) > 40:
        code = code[:40]
        code = code.rsplit("-", 1)[0] if "-" in code[20:] else code
        code = code.strip("-")
    return code


def _metadata(
    questionnaire: Mapping[str, Any], code: str | None, instructions: list[str], issues: _Issues
) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = questionnaire.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    name, identifier, title = text("name"), text("id"), text("title")
    url = text("url")
    # The canonical URL's last segment is the most stable name (ours end in /Questionnaire/{code}).
    url_tail = url.rstrip("/").rsplit("/", 1)[-1] if url else None
    if code is None:
        for source in (url_tail, name, identifier, title):
            candidate = _code_from(source) if source else ""
            if CODE_PATTERN.match(candidate):
                code = candidate
                break
        else:
            code = "imported-questionnaire"
            issues.warn(
                "code", "no usable name or id: the draft's code is 'imported-questionnaire'"
            )
    version = text("version")
    if version is None:
        version = "1.0.0"
        issues.warn("version", "the Questionnaire has no version: the draft is version '1.0.0'")
    title = title or name or code
    source = url or (f"Questionnaire/{identifier}" if identifier else "an unnamed Questionnaire")
    publisher = text("publisher")
    parts = [f"FHIR Questionnaire {source}" + (f"|{version}" if text("version") else "")]
    if publisher:
        parts.append(f"published by {publisher}")
    for entry in questionnaire.get("identifier") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
            system = entry.get("system")
            parts.append(f"identifier {system}|{entry['value']}" if system else entry["value"])
    for extension in questionnaire.get("extension") or []:
        if (
            isinstance(extension, Mapping)
            and extension.get("url") == CQF_CITATION
            and isinstance(extension.get("valueString"), str)
        ):
            parts.append(f"citing: {extension['valueString']}")
    description = text("description") or (
        f"Imported from the FHIR Questionnaire {source}; not yet reviewed."
    )
    language = text("language") or "en"
    if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", language):
        issues.warn("language", f"language {language!r} is not BCP-47: 'en' assumed")
        language = "en"
    elif not text("language"):
        issues.warn("language", "the Questionnaire states no language: 'en' assumed")
    licence = text("copyright")
    if licence is None:
        licence = (
            "No copyright or licence statement in the imported Questionnaire: confirm the terms "
            "of use before publishing."
        )
        issues.warn("licence", "the Questionnaire has no copyright statement")
    definition: dict[str, Any] = {
        "schema_version": 1,
        "code": code,
        "version": version,
        "title": title,
        "short_title": name if name and name != title and len(name) <= 40 else title,
        "description": description,
        "publisher": publisher or "Not stated in the imported Questionnaire",
        "citation": "; ".join(parts),
        "licence": licence,
        "validated": False,
        "language": language,
        "codes": _codings(questionnaire.get("code"), "Questionnaire.code", None, issues),
    }
    joined = "\n\n".join(t.strip() for t in instructions if t.strip())
    if joined:
        definition["instructions"] = joined
    return definition


def _share_option_sets(definition: dict[str, Any]) -> None:
    """Option lists used by several items become one option set (`options-1`, ...)."""
    lists: dict[str, list[dict[str, Any]]] = {}
    users: dict[str, list[dict[str, Any]]] = {}
    for item in definition["items"]:
        if item["type"] != "choice":
            continue
        key = repr(item["options"])
        lists.setdefault(key, item["options"])
        users.setdefault(key, []).append(item)
    n = 0
    for key, items in users.items():
        if len(items) < 2:
            continue
        n += 1
        name = f"options-{n}"
        definition["option_sets"][name] = lists[key]
        for item in items:
            item["options"] = name


# --- scores: what the calculations add up, and checking them --------------------------------------


class _Scoring:
    def __init__(
        self,
        questionnaire: Mapping[str, Any],
        base: dict[str, Any],
        questions: list[_Question],
        calculated: list[_Calculated],
        unscored: set[str],
        issues: _Issues,
        samples: int,
        seed: int,
    ):
        self.questionnaire = questionnaire
        self.base = base
        self.questions = questions
        self.by_link = {q.link_id: q for q in questions}
        self.calculated = calculated
        self.unscored = unscored
        self.issues = issues
        self.samples = max(0, samples)
        self.seed = seed
        self.cache: dict[tuple[Any, ...], dict[str, Decimal | None]] = {}
        self.expressions: list[fhirpath.CalculatedItem] = []
        self.steps: Callable[[], int] = lambda: 0  # FHIRPath steps taken (see MAX_FHIRPATH_STEPS)

    # The provisional instrument (every item scored, a placeholder total) tells which items are
    # enabled by a set of answers, through the engine itself.
    def _provisional(self) -> Any:
        definition = dict(self.base)
        definition["scales"] = [
            {
                "id": "total",
                "title": "placeholder",
                "method": "sum",
                "items": [self.questions[0].link_id],
                "missing": {"rule": "refuse"},
            }
        ]
        return compile_definition(definition)

    def run(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        try:
            with fhirpath.step_budget(MAX_FHIRPATH_STEPS) as self.steps:
                return self._run()
        except fhirpath.FhirPathTooCostly:
            self.issues.error(
                "too_costly",
                f"checking what the calculatedExpression adds up takes more than the "
                f"{MAX_FHIRPATH_STEPS} FHIRPath evaluation steps an import may use: shorten the "
                "expression (look each item up once, or use variables), or import the "
                "Questionnaire without it",
            )
            return [], []

    def _run(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        self.compiled = self._provisional()
        usable = self._read_calculations()
        if not usable:
            return self._sum_of_valued_items(), []
        low = self._enabled({q.link_id: q.values()[_extreme(q, low=True)] for q in self.questions})
        high = self._enabled(
            {q.link_id: q.values()[_extreme(q, low=False)] for q in self.questions}
        )
        # Not for security: a seeded generator makes the sample answer sets repeatable.
        rng = random.Random(self.seed)  # noqa: S311
        randoms = [
            self._enabled({q.link_id: rng.choice(q.values()) for q in self.questions})
            for _ in range(self.samples)
        ]
        try:
            scales = self._scales(self._shapes([low, high, *randoms]))
            if not scales:
                return self._sum_of_valued_items(), []
            self._check_missing(scales, [high, low, *randoms])
            examples = self._verify(
                scales,
                [("all lowest answers", low), ("all highest answers", high)]
                + [
                    (f"random answers {i + 1} (seed {self.seed})", a) for i, a in enumerate(randoms)
                ],
            )
        except fhirpath.FhirPathTooCostly:
            raise
        except fhirpath.FhirPathError as exc:
            self.issues.error(
                "calculation_failed",
                f"evaluating the calculatedExpression on sample answers failed: {exc}",
            )
            return [], []
        return [scale for scale, _ in scales], examples

    # -- reading and evaluating the calculations --

    def _read_calculations(self) -> list[fhirpath.CalculatedItem]:
        if not self.calculated:
            return []
        try:
            found = fhirpath.calculated_items(self.questionnaire)
        except fhirpath.FhirPathError as exc:
            self.issues.warn(
                "calculation_unreadable",
                f"the calculatedExpression cannot be evaluated ({exc}): scores are derived "
                "without it",
            )
            return []
        self.expressions = found
        try:
            self._evaluate(self._enabled({}))
            full = {q.link_id: q.values()[0] for q in self.questions}
            self._evaluate(self._enabled(full))
        except fhirpath.FhirPathTooCostly:
            raise
        except fhirpath.FhirPathError as exc:
            self.issues.warn(
                "calculation_failed",
                f"evaluating the calculatedExpression failed ({exc}): scores are derived "
                "without it",
            )
            self.expressions = []
        return self.expressions

    def _enabled(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """`answers` without the answers to items these answers disable."""
        disabled = set(score(self.compiled, answers).disabled_items)
        return {k: v for k, v in answers.items() if k not in disabled}

    def _response(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """A QuestionnaireResponse for `answers`, shaped like the Questionnaire's item tree."""
        by_fhir = {q.fhir_id: q for q in self.questions}

        def build(items: Any) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for item in items or []:
                if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
                    continue
                link = item["linkId"]
                node: dict[str, Any] = {"linkId": link}
                children = build(item.get("item"))
                question = by_fhir.get(link)
                if question is not None and question.link_id in answers:
                    answer = dict(question.answer_for(answers[question.link_id]))
                    if children:
                        answer["item"] = children
                    node["answer"] = [answer]
                elif item.get("type") == "group":
                    if not children:
                        continue
                    node["item"] = children
                elif question is not None:
                    continue
                out.append(node)
            return out

        return {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": build(self.questionnaire.get("item")),
        }

    def _evaluate(self, answers: Mapping[str, Any]) -> dict[str, Decimal | None]:
        key = tuple(sorted(answers.items()))
        if key not in self.cache:
            results = fhirpath.calculate(
                self.questionnaire, self._response(answers), self.expressions
            )
            self.cache[key] = {
                link_id: fhirpath.single_number(result) for link_id, result in results.items()
            }
        return self.cache[key]

    # -- what each calculation does with each item --

    def _shapes(
        self, baselines: list[dict[str, Any]]
    ) -> dict[str, dict[str, _Contribution | None]]:
        """For each calculation: link id -> how the item counts in it (None: it does not)."""
        shapes: dict[str, dict[str, _Contribution | None]] = {
            c.link_id: {} for c in self.expressions
        }
        for question in self.questions:
            found = self._perturbation(question, baselines)
            for calc in self.expressions:
                shapes[calc.link_id][question.link_id] = (
                    None if found is None else self._classify(calc, question, *found)
                )
        return shapes

    def _perturbation(
        self, question: _Question, baselines: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], list[Any]] | None:
        """A baseline where the item is asked, and the other values it can take there.

        Only values that leave the same items enabled count, so a gate question's effect on
        what is asked is not mistaken for a contribution. The farthest value comes first.
        """
        link_id = question.link_id
        for baseline in baselines:
            if link_id not in baseline:
                continue
            start = question.numeric(baseline[link_id])
            values = [
                v
                for v in question.values()
                if v != baseline[link_id]
                and set(self._enabled({**baseline, link_id: v})) == set(baseline)
            ]
            if values:
                values.sort(key=lambda v: -abs(question.numeric(v) - start))
                return baseline, values
        return None

    def _delta(self, calc_id: str, baseline: dict[str, Any], link_id: str, value: Any) -> Any:
        before = self._evaluate(baseline)[calc_id]
        after = self._evaluate({**baseline, link_id: value})[calc_id]
        return None if before is None or after is None else after - before

    def _classify(
        self,
        calc: fhirpath.CalculatedItem,
        question: _Question,
        baseline: dict[str, Any],
        values: list[Any],
    ) -> _Contribution | None:
        """How the item counts in `calc`, from changing its answer alone.

        The farthest change is tried first: a change of the score equal to the change of the
        value means a plain sum, its opposite a reverse-coded item, no change no contribution
        (the verification samples then check the other values). Anything else is checked as a
        count (the item adds 1 from some threshold on, else 0) over every value it can take.
        """
        link_id = question.link_id
        start = question.numeric(baseline[link_id])
        first = values[0]
        change = question.numeric(first) - start
        delta = self._delta(calc.link_id, baseline, link_id, first)
        if delta is None or delta == 0:
            return None  # no effect (or nothing computed here: the checks will tell)
        if question.positional:
            self.issues.error(
                "no_values",
                f"choice item {question.fhir_id!r} changes the calculated score "
                f"{calc.link_id!r}, but its options carry no numeric value (ordinalValue, "
                "itemWeight or iso21090-CO-value)",
                question.path,
                question.fhir_id,
            )
            return None
        if delta == change:
            return _Contribution("sum")
        if delta == -change:
            return _Contribution("reverse")
        deltas = {start: Decimal(0)}
        for value in values:
            found = self._delta(calc.link_id, baseline, link_id, value)
            if found is None:
                return None
            deltas[question.numeric(value)] = found
        for at_start in (Decimal(0), Decimal(1)):
            counts = sorted((v, d + at_start) for v, d in deltas.items())
            ones = [v for v, c in counts if c == 1]
            step = ones and all(c == (1 if v >= ones[0] else 0) for v, c in counts)
            if step and len(ones) < len(counts):
                return _Contribution("count", ones[0])
        listing = ", ".join(f"{v}: {d:+}" for v, d in sorted(deltas.items()))
        self.issues.error(
            "calculation_not_a_sum",
            f"the calculated score {calc.link_id!r} does not add up item {question.fhir_id!r}'s "
            f"value (score change by value, from {start}: {listing}); only sums (with "
            "reverse-coded items) and counts over a threshold can be imported",
            question.path,
            question.fhir_id,
        )
        return None

    def _scales(
        self, shapes: dict[str, dict[str, _Contribution | None]]
    ) -> list[tuple[dict[str, Any], str]]:
        built: list[tuple[dict[str, Any], str]] = []
        for calc in self.expressions:
            contributions = {k: v for k, v in shapes[calc.link_id].items() if v is not None}
            node = next(c.node for c in self.calculated if c.fhir_id == calc.link_id)
            where = next(c.path for c in self.calculated if c.fhir_id == calc.link_id)
            if not contributions:
                self.issues.warn(
                    "calculation_reads_nothing",
                    f"the calculated item {calc.link_id!r} does not change with any imported "
                    "question: not imported as a score",
                    where,
                    calc.link_id,
                )
                continue
            for link_id in contributions:
                fhir_id = self.by_link[link_id].fhir_id
                if fhir_id in self.unscored:
                    self.issues.error(
                        "unscored_used",
                        f"{fhir_id!r} was named unscored but the calculation {calc.link_id!r} "
                        "uses it",
                        self.by_link[link_id].path,
                        fhir_id,
                    )
            kinds = {c.kind for c in contributions.values()}
            scale: dict[str, Any] = {
                "id": "",
                "title": node.get("text") or calc.link_id,
                "method": "count" if "count" in kinds else "sum",
                "items": [q.link_id for q in self.questions if q.link_id in contributions],
            }
            if "count" in kinds:
                thresholds = {c.threshold for c in contributions.values() if c.kind == "count"}
                booleans_fit = all(
                    self.by_link[k].type == "boolean"
                    for k, c in contributions.items()
                    if c.kind == "sum"
                )
                threshold = next(iter(thresholds))
                if (
                    "reverse" in kinds
                    or len(thresholds) > 1
                    or not booleans_fit
                    or (kinds & {"sum"} and not 0 < threshold <= 1)
                ):
                    self.issues.error(
                        "calculation_mixed",
                        f"the calculated score {calc.link_id!r} mixes sums and counts (or "
                        "several thresholds): not importable",
                        where,
                        calc.link_id,
                    )
                    continue
                scale["count_threshold"] = _plain(threshold)
            reverse = [k for k in scale["items"] if contributions[k].kind == "reverse"]
            if reverse:
                scale["reverse_items"] = reverse
            scale["missing"] = {
                "rule": "refuse",
                "source": "Imported from a FHIR Questionnaire, which states no missing-data "
                "rule for our engine: a score with an unanswered item is not calculated.",
            }
            codes = _codings(node.get("code"), f"{where}.code", calc.link_id, self.issues)
            if codes:
                scale["codes"] = codes
            built.append((scale, calc.link_id))
        if not built:
            return []
        # The widest calculation is the total; the others keep ids made from their linkIds.
        total_index = max(range(len(built)), key=lambda i: (len(built[i][0]["items"]), -i))
        taken = {"total"}
        for index, (scale, calc_id) in enumerate(built):
            if index == total_index:
                scale["id"] = "total"
                continue
            base = re.sub(r"[^a-z0-9_-]+", "-", calc_id.lower()).strip("-_")[:40] or "score"
            if not re.match(r"^[a-z0-9]", base):
                base = "s" + base[:39]
            candidate, n = base, 1
            while candidate in taken:
                n += 1
                candidate = f"{base[:36]}-{n}"
            taken.add(candidate)
            scale["id"] = candidate
        built.sort(key=lambda pair: pair[0]["id"] != "total")
        return built

    def _sum_of_valued_items(self) -> list[dict[str, Any]]:
        if self.calculated:
            reason = "no usable calculatedExpression"
        else:
            reason = "the Questionnaire has no calculatedExpression"
        members = [
            q.link_id
            for q in self.questions
            if q.type == "choice" and not q.positional and q.fhir_id not in self.unscored
        ]
        if not members:
            self.issues.error(
                "nothing_to_score", f"{reason}, and no choice item has numeric values to add up"
            )
            return []
        self.issues.warn(
            "total_assumed",
            f"{reason}: the total is taken to be the sum of the values of every choice item "
            "with numeric values; check it against the instrument's scoring instructions",
        )
        return [
            {
                "id": "total",
                "title": "Total score",
                "method": "sum",
                "items": members,
                "missing": {
                    "rule": "refuse",
                    "source": "Imported from a FHIR Questionnaire without a scoring rule: a "
                    "total with an unanswered item is not calculated.",
                },
            }
        ]

    # -- checking --

    def _check_missing(
        self, scales: list[tuple[dict[str, Any], str]], baselines: list[dict[str, Any]]
    ) -> None:
        """Does the Questionnaire score a response with an unanswered item? Ours refuses."""
        total, calc_id = scales[0]
        for baseline in baselines:
            asked = [k for k in total["items"] if k in baseline]
            if not asked:
                continue
            missing = asked[0]
            answers = self._enabled({k: v for k, v in baseline.items() if k != missing})
            if missing in answers or set(answers) != set(baseline) - {missing}:
                continue
            result = self._evaluate(answers)[calc_id]
            if result is not None:
                self.issues.warn(
                    "missing_data_differs",
                    f"the Questionnaire's calculation {calc_id!r} still gives {result} when "
                    f"{self.by_link[missing].fhir_id!r} is unanswered (it scores incomplete "
                    "responses); the draft does not score a total with an unanswered item. "
                    "Set the instrument's published missing-data rule before publishing.",
                    None,
                    calc_id,
                )
            return

    def _verify(
        self, scales: list[tuple[dict[str, Any], str]], sets: list[tuple[str, dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        draft = dict(self.base)
        draft["items"] = [dict(item) for item in self.base["items"]]
        scored = {k for scale, _ in scales for k in scale["items"]}
        for item in draft["items"]:
            item["scored"] = item["link_id"] in scored
        draft["scales"] = [scale for scale, _ in scales]
        compiled = compile_definition(draft)
        examples = []
        seen: set[tuple[Any, ...]] = set()
        for name, answers in sets:
            key = tuple(sorted(answers.items()))
            if key in seen:
                continue
            seen.add(key)
            theirs = self._evaluate(answers)
            ours = score(compiled, answers).scales
            expect: dict[str, Any] = {}
            for scale, calc_id in scales:
                expected = theirs[calc_id]
                got = ours[scale["id"]].score
                expect[scale["id"]] = {"score": None if expected is None else _plain(expected)}
                if (expected is None) != (got is None) or (
                    expected is not None and Decimal(str(got)) != expected
                ):
                    self.issues.warn(
                        "calculation_disagrees",
                        f"{name}: the Questionnaire's calculation {calc_id!r} gives {expected}, "
                        f"our scale {scale['id']!r} gives {got}. Kept as an example, so "
                        "publishing fails until the draft is corrected.",
                        None,
                        calc_id,
                    )
            examples.append(
                {
                    "name": f"questionnaire calculation: {name}",
                    "answers": dict(answers),
                    "expect": {"scales": expect, "flags": []},
                }
            )
        return examples


def _extreme(question: _Question, *, low: bool) -> int:
    numbers = [question.numeric(v) for v in question.values()]
    target = min(numbers) if low else max(numbers)
    return numbers.index(target)


def _has_extension(item: Mapping[str, Any], urls: Collection[str]) -> bool:
    return any(isinstance(e, Mapping) and e.get("url") in urls for e in item.get("extension") or [])


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
