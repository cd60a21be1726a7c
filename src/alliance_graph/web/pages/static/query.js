// The query page: pick an example, run it against the SPARQL endpoint, show the results.
// Every value from the server is put in the page with textContent, never as markup.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");

  document.getElementById("example").addEventListener("change", (event) => {
    const chosen = examples.find((q) => q.name === event.target.value);
    if (chosen) editor.value = chosen.text;
  });

  // Project IRIs link to their page on this server, other http(s) IRIs to themselves; any
  // other scheme (javascript:, data:, ...) is shown as text, never as a link.
  function href(iri) {
    if (iri.startsWith(config.base)) return "/" + iri.slice(config.base.length);
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

  function showTable(data) {
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.appendChild(cell(binding[name]));
    }
    results.appendChild(table);
    const n = data.results.bindings.length;
    status.textContent = n + (n === 1 ? " row" : " rows");
  }

  function setDownloads(kind) {
    downloads.hidden = false;
    document.getElementById("download-select").hidden = kind === "graph";
    document.getElementById("download-graph").hidden = kind !== "graph";
    for (const a of downloads.querySelectorAll("a[data-format]")) {
      const params = new URLSearchParams({ query: editor.value });
      params.set(config.formatParam, a.dataset.format);
      a.href = config.sparql + "?" + params.toString();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    results.replaceChildren();
    errorBox.hidden = true;
    downloads.hidden = true;
    status.textContent = "running…";
    let response;
    try {
      response = await fetch(config.sparql, {
        method: "POST",
        headers: {
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ query: editor.value }),
      });
    } catch (err) {
      status.textContent = "";
      errorBox.textContent = "The server could not be reached: " + err;
      errorBox.hidden = false;
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const text = await response.text();
    if (!response.ok) {
      // Show the server's own words: they say what is wrong with the query.
      status.textContent = "";
      errorBox.textContent = response.status + " " + response.statusText + "\n" + text;
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
      setDownloads("select");
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = text;
      results.appendChild(pre);
      status.textContent = "";
      setDownloads("graph");
    }
  });
})();
