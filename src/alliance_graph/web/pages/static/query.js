// The query page: pick an example, edit it (CodeMirror when its bundle loaded, else the plain
// textarea), run it against the SPARQL endpoint, keep it in the address bar and the history,
// mark where the server says it goes wrong, and show its answer (a table: results.js) with
// its downloads. Every value from the server is put in the page with textContent, never as
// markup.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const downloadForm = document.getElementById("download-form");
  const examplePicker = document.getElementById("example");
  const leftRunning = document.getElementById("left-running");
  const noLink = document.getElementById("no-link");
  const absentNames = document.getElementById("absent-names");
  document.getElementById("example-list").hidden = false;  // it needs this script
  const answers = window.AllianceResults(config);

  // The editor: CodeMirror (editor.js), or the textarea itself with the same few calls.
  const run = () => form.requestSubmit();
  // On a slow network the textarea is there, and typed in, before the bundle arrives: the
  // editor then took its place with the focus lost, and the next keys typed went nowhere. It
  // takes the focus and the caret (or selection) the textarea had.
  const typing = document.activeElement === textarea;
  const caret = { anchor: textarea.selectionStart, head: textarea.selectionEnd };
  const editor = window.AllianceEditor
    ? window.AllianceEditor.create(textarea, { vocabulary: config.vocabulary, onRun: run })
    : {
        get value() { return textarea.value; },
        set value(text) { textarea.value = text; },
        markError: () => null,
      };
  if (editor.view && typing) {
    editor.view.dispatch({ selection: caret, scrollIntoView: true });
    editor.view.focus();
  }
  // The label is the hidden textarea's, which a click on it would focus, to no end.
  const label = document.querySelector("label[for='query']");
  if (editor.view && label) {
    label.addEventListener("click", (event) => {
      event.preventDefault();
      editor.view.focus();
    });
  }
  if (!window.AllianceEditor) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
  }

  // An example is put in the editor when it is chosen: a click on it in the open list, or
  // Enter. Chromium changes a closed select's value at each arrow key (or letter typed), and
  // fires "change" for each: every step replaced the editor's text, so a keyboard user walking
  // the list lost what they wrote at the first step. A change made by such a key only moves
  // through the list; Escape, or leaving it without Enter, names again the query the editor
  // holds.
  // The page carries the texts of the first examples only (a catalogue of 20,000 made it
  // 30 MB): any other is opened by its name, as without a script.
  function loadExample() {
    const chosen = examples.find((q) => q.name === examplePicker.value);
    if (chosen) editor.value = chosen.text;
    else if (examplePicker.value) {
      window.location.assign(config.page + "?" + new URLSearchParams({ example: examplePicker.value }));
    }
  }
  let stepping = false;
  examplePicker.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      loadExample();
      return;
    }
    if (event.key === "Escape") {  // steps taken back: the list names what the editor holds
      matchExample();
      return;
    }
    // The key's own change comes before the next task: it is this step's.
    stepping = true;
    setTimeout(() => { stepping = false; }, 0);
  });
  examplePicker.addEventListener("change", () => {
    if (!stepping) loadExample();
  });
  examplePicker.addEventListener("blur", () => matchExample());

  // The picker names the example the editor holds, or none: after Back, or an edit, it
  // named the last example picked beside another query.
  function matchExample() {
    const held = examples.find((q) => q.text === editor.value);
    examplePicker.value = held ? held.name : "";
  }
  matchExample();  // a reload may have kept the picker's choice and not the editor's text
  // And as the query is edited (an undo too): the list went on naming the example put in the
  // editor beside a query changed since, and stepped on from it.
  (editor.view ? editor.view.dom : textarea).addEventListener("keyup", matchExample);

  // A URL the server takes whole: its head (the URL and the browser's own headers) has a
  // limit, and the page offers no address it would refuse. URLSearchParams writes ASCII, so
  // characters are bytes.
  const fits = (url) => url.length <= config.maxLink;

  // Downloads are links to the endpoint; a query too long for a URL is sent by POST instead
  // (the form carrying the query and the format), from the same links.
  function setDownloads(kind, query) {
    downloads.hidden = false;
    document.getElementById("download-select").hidden = kind === "graph";
    document.getElementById("download-graph").hidden = kind !== "graph";
    downloadForm.elements.query.value = query;
    for (const a of downloads.querySelectorAll("a[data-format]")) {
      const params = new URLSearchParams({ query: query });
      params.set(config.formatParam, a.dataset.format);
      const url = config.sparql + "?" + params.toString();
      a.href = fits(url) ? url : "#downloads";
      a.dataset.post = fits(url) ? "" : "yes";
    }
  }

  downloads.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-format]");
    if (!a || !a.dataset.post) return;
    event.preventDefault();
    downloadForm.elements[config.formatParam].value = a.dataset.format;
    downloadForm.submit();
  });

  // The run in flight, if any. A newer run (a double click, Run again before a slow query
  // ends, Back) takes its place, so that only the latest run writes results, status and
  // error. The page stops waiting for the earlier one, but the server cannot stop a query it
  // has started (Oxigraph cannot cancel one): it runs on until it ends or reaches the time
  // limit, counted among this client's queries. The page says so (#left-running).
  let running = null;
  // The notes of the last empty answer, while they are asked for (showAbsentNames): a newer
  // run stops waiting for them, as for an earlier run.
  let noting = null;

  function clear() {
    leftRunning.hidden = running === null;
    if (running) running.abort();
    running = null;
    if (noting) noting.abort();
    noting = null;
    absentNames.replaceChildren();
    absentNames.hidden = true;
    results.replaceChildren();
    errorBox.hidden = true;
    downloads.hidden = true;
    noLink.hidden = true;
    status.textContent = "";
  }

  function addressQuery() {
    return new URLSearchParams(window.location.search).get("query");
  }

  // The address bar holds the query, so the page can be bookmarked or shared as it is.
  // It is compared decoded: a permalink may spell a space %20 where this script writes +,
  // and running it unchanged must not add a second entry for the same query. A query too
  // long for a URL gets the bare page's address (its entry still holds the query, for Back
  // and Forward), and the page says why.
  function remember(query) {
    const state = { query: query };
    const link = config.page + "?" + new URLSearchParams(state);
    const linked = fits(link);
    const again = linked
      ? window.location.pathname === config.page && addressQuery() === query
      : Boolean(window.history.state) && window.history.state.query === query;
    noLink.hidden = linked;
    if (again) {
      window.history.replaceState(state, "");  // the same entry, now marked as run
    } else {
      window.history.pushState(state, "", linked ? link : config.page);
    }
  }

  // The skip link (base.html) moves the focus without a step in the history: followed as a
  // link, its #main entry came back to this page's popstate as the page as loaded, and the
  // query run and its results were cleared.
  const skip = document.querySelector("a.skip");
  const main = document.getElementById("main");
  if (skip && main) {
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      main.focus();
    });
  }

  // Back and forward: the editor takes the entry's query, and the results follow it. An
  // entry a run made runs again; the entry the page was loaded as shows its query (the
  // address's, else the page's default, which the textarea was served with) and no results,
  // as it did when loaded.
  window.addEventListener("popstate", (event) => {
    const ran = event.state && typeof event.state.query === "string";
    editor.value = ran ? event.state.query : addressQuery() || textarea.defaultValue;
    matchExample();
    if (ran) run();
    else clear();
  });

  // Where the server says the query goes wrong, as {line, column, inWords}: Oxigraph writes
  // "error at 2:13", the endpoint's own checks "at line 2, column 11" (inWords: the message
  // already says it so). Null when the message names no place.
  const PLACES = [[/\berror at (\d+):(\d+)/, false], [/\bat line (\d+), column (\d+)/, true]];
  function place(message) {
    for (const [pattern, inWords] of PLACES) {
      const found = pattern.exec(message);
      if (found) return { line: Number(found[1]), column: Number(found[2]), inWords: inWords };
    }
    return null;
  }

  // The server counts a column in characters, the editor in UTF-16 units, of which a
  // character past U+FFFF (an emoji, a rare CJK ideograph) takes two: each one before the
  // place on its line moved the mark a character to the left. Return the editor's column.
  function editorColumn(line, column) {
    const text = editor.value.split("\n")[line - 1];
    if (text === undefined) return column;
    const chars = Array.from(text);  // by code point
    const before = chars.slice(0, column - 1).join("");
    return before.length + 1 + Math.max(0, column - 1 - chars.length);
  }

  // Show the server's own words, and mark where it says the query goes wrong (the mark's
  // hover holds the words too). The server's words are isolated (bdi): a bidi control in the
  // query they quote must not reorder the text around them.
  function showError(response, text) {
    const where = place(text);
    editor.markError(where ? { line: where.line, column: editorColumn(where.line, where.column) }
      : null, text);
    const words = document.createElement("bdi");
    words.textContent = text;
    errorBox.replaceChildren(response.status + " " + response.statusText + "\n" +
      (where && !where.inWords ? "at line " + where.line + ", column " + where.column + ": " : ""),
      words);
    failed(response.status + " " + response.statusText);
  }

  // A run that failed says so beside the Run button, and the error box is brought into view:
  // on a narrow screen it lay below the editor, and the button's status was left empty, so
  // Run seemed to do nothing. The scroll moves no focus: the editor keeps the caret.
  function failed(what) {
    status.textContent = "failed (" + what + "): the error is below";
    errorBox.hidden = false;
    errorBox.scrollIntoView({ block: "nearest" });
  }

  // A graph answer with no triple holds nothing but prefixes, comments and blank lines.
  function noTriples(turtle) {
    return turtle.split("\n").every((line) => /^\s*(#|@?(prefix|base)\s|$)/i.test(line));
  }

  // An empty answer (0 rows, false, 0 triples) said nothing of why, and a class or entity
  // misspelt in the query (ag:MissileDefenceSystem) matches nothing: the server names each
  // name of the query the graph holds nowhere, with the one likely meant (POST /query/notes,
  // as the command line's query notes them), shown under the status. The answer stands
  // whatever becomes of them: a request that fails shows nothing.
  async function showAbsentNames(query) {
    const controller = noting = new AbortController();
    let said;
    try {
      const response = await fetch(config.notes, {
        method: "POST",
        headers: { "Accept": "application/json",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: query }),
        signal: controller.signal,
      });
      if (!response.ok) return;
      said = await response.json();
    } catch (err) {
      return;  // superseded by a newer run, or no answer
    }
    if (controller.signal.aborted || !said || !Array.isArray(said.notes)) return;
    noting = null;
    const lines = said.notes.map(String);
    if (Number(said.more) > 0) {
      lines.push("… and " + Number(said.more).toLocaleString("en") +
        " more names the graph holds nowhere");
    }
    for (const line of lines) {
      const p = document.createElement("p");
      p.textContent = line;  // the query's own names in it: text, never markup
      absentNames.appendChild(p);
    }
    absentNames.hidden = lines.length === 0;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = editor.value;
    matchExample();
    clear();
    const controller = running = new AbortController();
    status.textContent = "running…";
    remember(query);
    let response, text;
    try {
      response = await fetch(config.sparql, {
        method: "POST",
        headers: {
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ query: query }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (err) {
      if (controller.signal.aborted) return;  // superseded: the newer run shows its own outcome
      running = null;
      errorBox.textContent = "The server could not be reached: " + err;
      failed("no answer");
      return;
    }
    running = null;
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      showError(response, text);
      return;
    }
    if (type.includes("json")) {
      const data = JSON.parse(text);
      if ("boolean" in data) {
        const p = document.createElement("p");
        p.className = "boolean";
        p.textContent = data.boolean ? "true" : "false";
        results.appendChild(p);
        // Said beside the Run button too, where a narrow screen shows it (the table's rows
        // are counted there; a bare true or false below the fold went unseen).
        status.textContent = "answer: " + p.textContent;
        if (!data.boolean) showAbsentNames(query);
      } else {
        status.textContent = answers.show(data, results, (text) => { status.textContent = text; });
        if (data.results && data.results.bindings.length === 0) showAbsentNames(query);
      }
      setDownloads("select", query);
    } else if (noTriples(text)) {
      status.textContent = "0 triples";  // as a SELECT says "0 rows", not an empty box
      setDownloads("graph", query);
      showAbsentNames(query);
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = text;
      results.appendChild(pre);
      status.textContent = "a graph, as Turtle below";
      setDownloads("graph", query);
    }
  });

  // An entry a run made, loaded again (Back from a result's page, where the browser does not
  // keep the page as it was; a reload): its query runs again, as it does when Back stays on
  // this page. The editor showed the query with no results, as if it had never been run.
  if (window.history.state && typeof window.history.state.query === "string") {
    editor.value = window.history.state.query;
    matchExample();
    run();
  }
})();
