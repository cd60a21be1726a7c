// The query page's SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes.
//
// Bundled by build.mjs into the app's static folder; the page's own script (query.js) calls
// window.AllianceEditor.create() and falls back to the plain textarea when this bundle is
// missing or scripts are off.  Completion data (the project's prefixes, the ontology's classes
// and properties with their labels) comes from the server, never from this file.

import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";

// SPARQL keywords offered as completions (upper case, as the catalogue writes them).
const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "CONSTRUCT", "ASK", "DESCRIBE", "PREFIX",
  "COUNT", "SAMPLE", "GROUP_CONCAT", "CONTAINS", "STRSTARTS", "LCASE", "LANG", "LANGMATCHES",
  "DATATYPE", "STR", "REGEX", "EXISTS", "NOT EXISTS", "IF", "COALESCE", "YEAR", "DESC", "ASC",
];

// Turn the server's vocabulary into completion options.
function options(vocabulary) {
  const out = [];
  for (const [prefix, iri] of Object.entries(vocabulary.prefixes)) {
    out.push({ label: prefix + ":", type: "namespace", detail: iri, boost: -1 });
  }
  for (const term of vocabulary.terms) {
    out.push({
      label: term.name,
      type: term.kind === "class" ? "class" : "property",
      detail: term.label || "",
      info: term.definition || undefined,
    });
  }
  for (const word of KEYWORDS) out.push({ label: word, type: "keyword", boost: -2 });
  return out;
}

// A completion source over prefixed names and keywords; the vocabulary is fetched once it
// comes: a refusal (the server busy, 503) is asked again at the next completion, where it
// was kept, and the page completed nothing but keywords until it was reloaded.
function vocabularySource(url) {
  let loaded = null;
  return async (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w.-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    if (loaded === null) {
      loaded = fetch(url, { headers: { Accept: "application/json" } })
        .then((r) => {
          if (!r.ok) throw new Error("vocabulary: " + r.status);
          return r.json();
        })
        .then(options)
        .catch(() => { loaded = null; return options({ prefixes: {}, terms: [] }); });
    }
    return { from: word.from, options: await loaded, validFor: /^[\w.-]*:?[\w.-]*$/ };
  };
}

// Mark `place` ({line, column}, 1-based, the column in the editor's UTF-16 units) with the
// server's `message`, or clear the marks when there is no place.  The page reads the place
// from the message, in whichever wording the server gave it: handed over in Oxigraph's
// wording ("error at 1:35: ..." before the message), the mark's hover said its place twice,
// and two places when a character past U+FFFF stood before it on its line.
function markError(view, place, message) {
  if (!place) {
    view.dispatch(setDiagnostics(view.state, []));
    return null;
  }
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(1, place.line), doc.lines));
  const from = Math.min(line.from + Math.max(0, place.column - 1), line.to);
  const to = from < line.to ? from + 1 : from;
  view.dispatch(setDiagnostics(view.state, [{
    from, to, severity: "error", message: message.split("\n", 1)[0],
  }]));
  return { line: line.number, column: from - line.from + 1 };
}

// Put an editor in place of `textarea`, keeping the textarea's value in step for the form.
function create(textarea, config) {
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [vocabularySource(config.vocabulary)] }),
        lintGutter(),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { config.onRun(); return true; } }])),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            textarea.value = update.state.doc.toString();
            view.dispatch(setDiagnostics(update.state, []));
          }
        }),
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query" }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.parentNode.insertBefore(view.dom, textarea);
  return {
    view,
    get value() { return view.state.doc.toString(); },
    set value(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    markError: (place, message) => markError(view, place, message),
    focus: () => view.focus(),
  };
}

window.AllianceEditor = { create };
