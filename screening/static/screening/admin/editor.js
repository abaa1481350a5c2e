// The instrument-version admin: every textarea.json-editor becomes a CodeMirror JSON editor (or a
// read-only viewer), with the errors of the last save marked at their lines.
(function () {
  "use strict";

  function markErrors(editor, errors) {
    errors.forEach(function (error) {
      if (!error.line) {
        return;
      }
      var line = error.line - 1;
      var text = (error.path ? error.path + ": " : "") + error.messages.join(" ");
      editor.addLineClass(line, "background", "json-error-line");
      var marker = document.createElement("span");
      marker.className = "json-error-marker";
      marker.title = text;
      marker.textContent = "\u25CF";
      editor.setGutterMarker(line, "json-error-gutter", marker);
      var note = document.createElement("div");
      note.className = "json-error-note";
      note.textContent = text;
      editor.addLineWidget(line, note, { coverGutter: false, noHScroll: true });
    });
  }

  function goTo(editor, line) {
    var position = { line: line - 1, ch: 0 };
    editor.focus();
    editor.setCursor(position);
    editor.scrollIntoView(position, 120);
  }

  function start(area) {
    var readOnly = area.hasAttribute("readonly");
    var editor = window.CodeMirror.fromTextArea(area, {
      mode: { name: "javascript", json: true },
      lineNumbers: true,
      lineWrapping: false,
      foldGutter: true,
      gutters: ["CodeMirror-linenumbers", "json-error-gutter", "CodeMirror-foldgutter"],
      matchBrackets: true,
      autoCloseBrackets: !readOnly,
      readOnly: readOnly,
      indentUnit: 2,
      tabSize: 2,
      extraKeys: { Tab: function (cm) { cm.execCommand("insertSoftTab"); } },
    });
    editor.setSize(null, "36em");
    var errors = JSON.parse(area.getAttribute("data-errors") || "[]");
    markErrors(editor, errors);
    var container = area.parentNode;
    container.querySelectorAll("[data-json-line]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        goTo(editor, Number(link.getAttribute("data-json-line")));
      });
    });
    var first = errors.filter(function (error) { return error.line; })[0];
    if (first) {
      editor.scrollIntoView({ line: first.line - 1, ch: 0 }, 120);
    }
    // An editor laid out while hidden (a closed <details>) measures nothing: refresh on opening.
    var details = area.closest("details");
    if (details) {
      details.addEventListener("toggle", function () { editor.refresh(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.CodeMirror) {
      return; // the plain textarea still works
    }
    document.querySelectorAll("textarea.json-editor").forEach(start);
  });
})();
