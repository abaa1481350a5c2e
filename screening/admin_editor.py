"""The instrument-version editor of the Django admin: a JSON editor for drafts, errors located at
their lines, a readable rendering of a definition, and the score preview's form.

The admin (`screening/admin.py`) wires these in; the writes still go through the services and the
preview through `screening.selectors.score_preview`, as the REST API's do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.http import QueryDict

from config.errors import InvalidInput
from screening.compiled import compiled_version
from screening.json_lines import line_of, value_lines
from screening.models import InstrumentVersion
from screening.selectors import score_preview
from screening.services.instruments import definition_errors

CODEMIRROR = "screening/vendor/codemirror-5.65.21"
EDITOR_MEDIA = forms.Media(
    css={
        "all": (
            f"{CODEMIRROR}/lib/codemirror.css",
            f"{CODEMIRROR}/addon/fold/foldgutter.css",
            "screening/admin/editor.css",
        )
    },
    js=(
        f"{CODEMIRROR}/lib/codemirror.js",
        f"{CODEMIRROR}/mode/javascript/javascript.js",
        f"{CODEMIRROR}/addon/fold/foldcode.js",
        f"{CODEMIRROR}/addon/fold/foldgutter.js",
        f"{CODEMIRROR}/addon/fold/brace-fold.js",
        f"{CODEMIRROR}/addon/edit/matchbrackets.js",
        f"{CODEMIRROR}/addon/edit/closebrackets.js",
        "screening/admin/editor.js",
    ),
)
PREVIEW_PREFIX = "answer:"


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class JsonEditorWidget(forms.Textarea):
    """A textarea that the admin's script turns into a CodeMirror JSON editor. Above it, the
    errors of the last save, each with its JSON path and line (also marked in the editor)."""

    template_name = "admin/screening/json_editor.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"class": "json-editor", "rows": 30, "cols": 110, "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})
        self.located_errors: list[dict[str, Any]] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["errors"] = self.located_errors
        context["widget"]["attrs"]["data-errors"] = json.dumps(self.located_errors)
        return context


class DefinitionField(forms.JSONField):
    """A definition edited as text: shown pretty-printed, kept as typed when a save fails (so the
    lines the errors name stay put), and a JSON syntax error says where it is."""

    widget = JsonEditorWidget

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, InvalidJSONInput):
            return value
        return pretty(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if self.disabled or data is None:
            return super().bound_data(data, initial)
        return InvalidJSONInput(data)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                json.loads(value)
            except json.JSONDecodeError as error:
                message = (
                    f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
                )
                self.widget.located_errors = [
                    {"path": "", "line": error.lineno, "messages": [message]}
                ]
                raise ValidationError(message, code="invalid") from None
        return super().to_python(value)


def locate_errors(errors: Mapping[str, list[str]], text: str) -> list[dict[str, Any]]:
    """The service's errors (`definition.scales[0].items[1]`: messages) with the line of `text`
    each points to (a missing key: the line of its nearest ancestor), in line order."""
    lines = value_lines(text)
    located = []
    for path, messages in errors.items():
        json_path = "$" + path.removeprefix("definition") if path.startswith("definition") else path
        located.append({"path": path, "line": line_of(json_path, lines), "messages": messages})
    return sorted(located, key=lambda error: (error["line"] or 0, error["path"]))


class InstrumentVersionForm(forms.ModelForm):
    definition = DefinitionField()

    class Meta:
        model = InstrumentVersion
        fields = ("definition",)

    def clean_definition(self) -> Any:
        definition = self.cleaned_data["definition"]
        errors = definition_errors(definition)
        if errors:
            located = locate_errors(errors, str(self["definition"].value()))
            self.fields["definition"].widget.located_errors = located
            count = sum(len(error["messages"]) for error in located)
            raise ValidationError(
                f"The definition has {count} problem{'s' if count != 1 else ''}: each is listed "
                "above the editor with its JSON path and marked at its line."
            )
        return definition


# ------------------------------------------------------------------ the readable definition


def _options(definition: Mapping[str, Any], item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = item.get("options", [])
    if isinstance(options, str):
        options = definition.get("option_sets", {}).get(options, [])
    return options if isinstance(options, list) else []


def definition_view(definition: Mapping[str, Any]) -> dict[str, Any]:
    """What the admin's rendering of a definition shows, from the raw JSON (so a definition with
    problems still renders as far as it goes)."""
    if not isinstance(definition, Mapping):
        return {"about": {}, "items": [], "scales": [], "rules": [], "examples": []}
    items = [
        {
            "link_id": item.get("link_id", ""),
            "text": item.get("text", ""),
            "type": item.get("type", ""),
            "option_set": item.get("options") if isinstance(item.get("options"), str) else "",
            "options": _options(definition, item),
            "required": item.get("required", False),
            "critical": item.get("critical", False),
            "scored": item.get("scored", True),
            "indicators": item.get("indicators", []),
            "enable_when": json.dumps(item["enable_when"]) if "enable_when" in item else "",
        }
        for item in definition.get("items", [])
        if isinstance(item, Mapping)
    ]
    scales = [
        {
            **scale,
            "missing_rule": (scale.get("missing") or {}).get("rule", ""),
            "missing_source": (scale.get("missing") or {}).get("source", ""),
        }
        for scale in definition.get("scales", [])
        if isinstance(scale, Mapping)
    ]
    rules = [
        {**rule, "when_json": pretty(rule.get("when"))}
        for rule in definition.get("rules", [])
        if isinstance(rule, Mapping)
    ]
    examples = [
        {
            "name": example.get("name", ""),
            "answers": json.dumps(example.get("answers", {})),
            "expect": pretty(example.get("expect", {})),
        }
        for example in definition.get("examples", [])
        if isinstance(example, Mapping)
    ]
    about_keys = ("code", "title", "short_title", "version", "validated", "language", "publisher")
    about = {key: definition[key] for key in about_keys if key in definition}
    for key in ("description", "instructions", "citation", "licence"):
        about[key] = definition.get(key, "")
    return {"about": about, "items": items, "scales": scales, "rules": rules, "examples": examples}


# ------------------------------------------------------------------ the score preview


def _parse_answer(raw: str) -> Any:
    if raw in ("true", "false"):
        return raw == "true"
    number = float(raw)
    return int(number) if number.is_integer() else number


def preview_context(version: InstrumentVersion, query: QueryDict) -> dict[str, Any]:
    """The score preview's form (one choice per item) and, when it was sent (`?preview=1`), the
    scores and flags of its answers. Nothing is saved."""
    compiled = compiled_version(version)
    chosen = {
        key.removeprefix(PREVIEW_PREFIX): value
        for key, value in query.items()
        if key.startswith(PREVIEW_PREFIX) and value != ""
    }
    items = []
    for item in compiled.items:
        if item.type == "boolean":
            choices = [("true", "Yes"), ("false", "No")]
        else:
            choices = [(str(o.value), f"{o.value} — {o.label}") for o in item.options]
        items.append(
            {
                "link_id": item.link_id,
                "name": PREVIEW_PREFIX + item.link_id,
                "text": item.text,
                "required": item.required,
                "critical": item.critical,
                "choices": choices,
                "chosen": chosen.get(item.link_id, ""),
            }
        )
    context: dict[str, Any] = {"items": items, "sent": "preview" in query}
    if not context["sent"]:
        return context
    answers = []
    try:
        for link_id, raw in chosen.items():
            answers.append({"link_id": link_id, "value": _parse_answer(raw)})
        result = score_preview(version=version, answers=answers)
    except ValueError:
        context["errors"] = ["An answer is not one of the item's options."]
    except InvalidInput as error:
        context["errors"] = [
            f"{key}: {message}" for key, messages in error.fields.items() for message in messages
        ]
    else:
        context["result"] = result
        context["scales"] = [result.scales[scale.id] for scale in compiled.scales]
    return context
