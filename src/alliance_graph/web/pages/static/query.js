// The query page: pick an example, edit it (CodeMirror when its bundle loaded, else the plain
// textarea), run it against the SPARQL endpoint, show the results as a sortable table (its
// first rows: the downloads hold them all). Every value from the server is put in the page
// with textContent, never as markup.
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

  // The editor: CodeMirror (editor.js), or the textarea itself with the same few calls.
  const run = () => form.requestSubmit();
  const editor = window.AllianceEditor
    ? window.AllianceEditor.create(textarea, { vocabulary: config.vocabulary, onRun: run })
    : {
        get value() { return textarea.value; },
        set value(text) { textarea.value = text; },
        markError: () => null,
      };
  if (!window.AllianceEditor) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
  }

  examplePicker.addEventListener("change", (event) => {
    const chosen = examples.find((q) => q.name === event.target.value);
    if (chosen) editor.value = chosen.text;
  });

  // The picker names the example the editor holds, or none: after Back, or an edit, it
  // named the last example picked beside another query.
  function matchExample() {
    const held = examples.find((q) => q.text === editor.value);
    examplePicker.value = held ? held.name : "";
  }
  matchExample();  // a reload may have kept the picker's choice and not the editor's text

  // Project IRIs link to their page on this server, other http(s) IRIs to themselves; any
  // other scheme (javascript:, data:, ...) is shown as text, never as a link.
  // The server decodes a path once, so each segment is encoded: as text, a "?", "#" or "%41"
  // in the IRI would have led to another page. A "." or ".." segment cannot be encoded (a
  // browser reads %2e%2e as ".." too) and would lead to another page: no link for it.
  function href(iri) {
    if (iri.startsWith(config.base)) {
      const segments = iri.slice(config.base.length).split("/");
      if (segments.some((s) => s === "." || s === "..")) return null;
      // An empty first segment would make "//evil.example/x", a link to another site.
      if (segments.length > 1 && segments[0] === "") return null;
      return "/" + segments.map(encodeURIComponent).join("/");
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  // A local part SPARQL reads as it is (PN_LOCAL without escapes, as namespaces.py tests it):
  // any other was shortened all the same, id:Foo(bar) or ag:v1., names no query parses.
  const PN_CHARS_U = "A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D" +
    "\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF" +
    "\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
  const PN_CHARS = PN_CHARS_U + "\\-0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040";
  const LOCAL = new RegExp(
    "^[" + PN_CHARS_U + "0-9:](?:[" + PN_CHARS + ".:]*[" + PN_CHARS + ":])?$", "u");

  function shorten(iri) {
    for (const [prefix, ns] of Object.entries(config.prefixes)) {
      if (iri.startsWith(ns) && LOCAL.test(iri.slice(ns.length))) {
        return prefix + ":" + iri.slice(ns.length);
      }
    }
    return "<" + iri + ">";
  }

  // A literal's tag as the table shows it: its language (and base direction, RDF 1.2's
  // "its:dir": "שלום"@he--rtl was shown as "שלום"@he, a term the answer does not hold), or
  // its datatype unless xsd:string.
  function tagOf(term) {
    const dir = term["its:dir"] ? "--" + term["its:dir"] : "";
    const tag = term["xml:lang"] ? "@" + term["xml:lang"] + dir
      : term.datatype ? shorten(term.datatype) : "";
    return tag === "xsd:string" ? "" : tag;
  }

  // An RDF 1.2 triple term (a query may make one: BIND(<<( ?s ?p ?o )>> AS ?t)) written as
  // SPARQL writes it, its parts as text: its value is an object, which was shown as
  // "[object Object]".
  function asText(term) {
    if (term.type === "triple") {
      const v = term.value;
      return "<<( " + [v.subject, v.predicate, v.object].map(asText).join(" ") + " )>>";
    }
    if (term.type === "uri") return shorten(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    const tag = tagOf(term);
    return JSON.stringify(term.value) + (tag.startsWith("@") || !tag ? tag : "^^" + tag);
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "triple") {
      td.textContent = asText(term);
      td.className = "triple";
    } else if (term.type === "uri") {
      const link = href(term.value);
      const a = document.createElement(link === null ? "span" : "a");
      if (link !== null) a.href = link;
      a.textContent = shorten(term.value);
      a.title = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
      td.className = "bnode";
    } else {
      // The value is isolated (bdi): a right-to-left override in it reordered its tag too.
      const value = document.createElement("bdi");
      value.textContent = term.value;
      // Its base direction, where it has one, is the direction it is shown in.
      if (term["its:dir"] === "ltr" || term["its:dir"] === "rtl") value.dir = term["its:dir"];
      td.appendChild(value);
      const tag = tagOf(term);
      if (tag) {
        const small = document.createElement("span");
        small.className = "dtype";
        small.textContent = " " + tag;
        td.appendChild(small);
      }
    }
    return td;
  }

  // Sort keys: numbers as numbers, everything else as text; unbound cells last. One collator
  // for every comparison: localeCompare with options builds one per call, which made sorting
  // 13,000 rows take seconds.
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  const collator = new Intl.Collator(undefined, { numeric: true });
  function compare(a, b) {
    if (!a || !b) return !a && !b ? 0 : !a ? 1 : -1;
    if (NUMERIC.test(a.datatype || "") && NUMERIC.test(b.datatype || "")) {
      return Number(a.value) - Number(b.value);
    }
    return collator.compare(a.type === "triple" ? asText(a) : a.value,
                            b.type === "triple" ? asText(b) : b.value);
  }

  // Only the first config.maxRows rows are drawn: laying out every row froze the tab for
  // seconds at 13,000 rows and never ended at 150,000. The downloads hold every row.
  function fillBody(body, vars, bindings) {
    const rows = document.createDocumentFragment();
    for (const binding of bindings.slice(0, config.maxRows)) {
      const row = document.createElement("tr");
      for (const name of vars) row.appendChild(cell(binding[name]));
      rows.appendChild(row);
    }
    body.replaceChildren(rows);
  }

  const count = (n) => n.toLocaleString("en");

  // Said above a table cut short: how many rows the answer has, how many are shown, and
  // where the rest are.
  function cutShort(n) {
    const p = document.createElement("p");
    p.className = "cut-short";
    p.textContent = "The answer has " + count(n) + " rows; only the first " +
      count(config.maxRows) + " are shown (sorting sorts all " + count(n) + "). " +
      "The downloads above hold every row.";
    return p;
  }

  function showTable(data) {
    const table = document.createElement("table");
    table.className = "results";
    const vars = data.head.vars;
    const bindings = data.results.bindings.slice();
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    for (const name of vars) {
      const th = document.createElement("th");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = name;
      button.title = "sort by " + name;
      button.addEventListener("click", () => {
        // Click once: ascending; again: descending.
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        for (const other of head.cells) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        bindings.sort((x, y) => (ascending ? 1 : -1) * compare(x[name], y[name]));
        fillBody(body, vars, bindings);
      });
      th.appendChild(button);
      head.appendChild(th);
    }
    fillBody(body, vars, bindings);
    const n = bindings.length;
    if (n > config.maxRows) results.appendChild(cutShort(n));
    results.appendChild(table);
    status.textContent = count(n) + (n === 1 ? " row" : " rows") +
      (n > config.maxRows ? ", the first " + count(config.maxRows) + " shown" : "");
  }

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

  function clear() {
    leftRunning.hidden = running === null;
    if (running) running.abort();
    running = null;
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

  // Show the server's own words, and mark where it says the query goes wrong. The editor
  // bundle reads a place in Oxigraph's wording only, so the place is handed to it so worded.
  // The server's words are isolated (bdi): a bidi control in the query they quote must not
  // reorder the text around them.
  function showError(response, text) {
    const where = place(text);
    editor.markError(where ? "error at " + where.line + ":" +
      editorColumn(where.line, where.column) + ": " + text : "");
    const words = document.createElement("bdi");
    words.textContent = text;
    errorBox.replaceChildren(response.status + " " + response.statusText + "\n" +
      (where && !where.inWords ? "at line " + where.line + ", column " + where.column + ": " : ""),
      words);
    errorBox.hidden = false;
  }

  // A graph answer with no triple holds nothing but prefixes, comments and blank lines.
  function noTriples(turtle) {
    return turtle.split("\n").every((line) => /^\s*(#|@?(prefix|base)\s|$)/i.test(line));
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
      status.textContent = "";
      errorBox.textContent = "The server could not be reached: " + err;
      errorBox.hidden = false;
      return;
    }
    running = null;
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "";
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
        status.textContent = "";
      } else {
        showTable(data);
      }
      setDownloads("select", query);
    } else if (noTriples(text)) {
      status.textContent = "0 triples";  // as a SELECT says "0 rows", not an empty box
      setDownloads("graph", query);
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = text;
      results.appendChild(pre);
      status.textContent = "";
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
