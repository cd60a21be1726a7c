// The query page: pick an example, edit it (CodeMirror when its bundle loaded, else the plain
// textarea), run it against the SPARQL endpoint, show the results as a sortable table.
// Every value from the server is put in the page with textContent, never as markup.
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

  document.getElementById("example").addEventListener("change", (event) => {
    const chosen = examples.find((q) => q.name === event.target.value);
    if (chosen) editor.value = chosen.text;
  });

  // Project IRIs link to their page on this server, other http(s) IRIs to themselves; any
  // other scheme (javascript:, data:, ...) is shown as text, never as a link.
  // The server decodes a path once, so each segment is encoded: as text, a "?", "#" or "%41"
  // in the IRI would have led to another page.
  function href(iri) {
    if (iri.startsWith(config.base)) {
      return "/" + iri.slice(config.base.length).split("/").map(encodeURIComponent).join("/");
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  function shorten(iri) {
    for (const [prefix, ns] of Object.entries(config.prefixes)) {
      const local = iri.slice(ns.length);
      if (iri.startsWith(ns) && local && !/[/#]/.test(local)) return prefix + ":" + local;
    }
    return "<" + iri + ">";
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
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
      td.textContent = term.value;
      const tag = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? shorten(term.datatype) : "";
      if (tag && tag !== "xsd:string") {
        const small = document.createElement("span");
        small.className = "dtype";
        small.textContent = " " + tag;
        td.appendChild(small);
      }
    }
    return td;
  }

  // Sort keys: numbers as numbers, everything else as text; unbound cells last.
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;
  function compare(a, b) {
    if (!a || !b) return !a && !b ? 0 : !a ? 1 : -1;
    if (NUMERIC.test(a.datatype || "") && NUMERIC.test(b.datatype || "")) {
      return Number(a.value) - Number(b.value);
    }
    return a.value.localeCompare(b.value, undefined, { numeric: true });
  }

  function fillBody(body, vars, bindings) {
    body.replaceChildren();
    for (const binding of bindings) {
      const row = body.insertRow();
      for (const name of vars) row.appendChild(cell(binding[name]));
    }
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
    results.appendChild(table);
    const n = bindings.length;
    status.textContent = n + (n === 1 ? " row" : " rows");
  }

  function setDownloads(kind, query) {
    downloads.hidden = false;
    document.getElementById("download-select").hidden = kind === "graph";
    document.getElementById("download-graph").hidden = kind !== "graph";
    for (const a of downloads.querySelectorAll("a[data-format]")) {
      const params = new URLSearchParams({ query: query });
      params.set(config.formatParam, a.dataset.format);
      a.href = config.sparql + "?" + params.toString();
    }
  }

  // The run in flight, if any. A newer run (a double click, Run again before a slow query
  // ends, Back) cancels it, so that only the latest run writes results, status and error.
  let running = null;

  function clear() {
    if (running) running.abort();  // a no-op once it has ended
    results.replaceChildren();
    errorBox.hidden = true;
    downloads.hidden = true;
    status.textContent = "";
  }

  function addressQuery() {
    return new URLSearchParams(window.location.search).get("query");
  }

  // The address bar holds the query, so the page can be bookmarked or shared as it is.
  // It is compared decoded: a permalink may spell a space %20 where this script writes +,
  // and running it unchanged must not add a second entry for the same query.
  function remember(query) {
    const state = { query: query };
    if (window.location.pathname === config.page && addressQuery() === query) {
      window.history.replaceState(state, "");  // the same entry, now marked as run
    } else {
      window.history.pushState(state, "", config.page + "?" + new URLSearchParams(state));
    }
  }

  // Back and forward: the editor takes the entry's query, and the results follow it. An
  // entry a run made runs again; the entry the page was loaded as shows its query (the
  // address's, else the page's default, which the textarea was served with) and no results,
  // as it did when loaded.
  window.addEventListener("popstate", (event) => {
    const ran = event.state && typeof event.state.query === "string";
    editor.value = ran ? event.state.query : addressQuery() || textarea.defaultValue;
    if (ran) run();
    else clear();
  });

  // A graph answer with no triple holds nothing but prefixes, comments and blank lines.
  function noTriples(turtle) {
    return turtle.split("\n").every((line) => /^\s*(#|@?(prefix|base)\s|$)/i.test(line));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = editor.value;
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
      status.textContent = "";
      errorBox.textContent = "The server could not be reached: " + err;
      errorBox.hidden = false;
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      // Show the server's own words, and mark where it says the query goes wrong.
      status.textContent = "";
      const where = editor.markError(text);
      errorBox.textContent = response.status + " " + response.statusText + "\n" +
        (where ? "at line " + where.line + ", column " + where.column + ": " : "") + text;
      errorBox.hidden = false;
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
})();
