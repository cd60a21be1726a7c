// The query page's answers as a table (query.js runs a query and hands its answer here):
// each term written as SPARQL writes it, a project IRI linked to its page here, only the
// first rows drawn (the downloads hold them all), and any column sorted by a click on its
// heading. Every value from the server is put in the page with textContent, never as markup.
"use strict";

// ``config``: the page's (its base IRI, the prefix the site is served at, the IRI prefixes
// and how many rows to draw).
window.AllianceResults = function (config) {
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
      // Under the prefix the site is served at (config.root: /graph behind a proxy at /graph/).
      return config.root + "/" + segments.map(encodeURIComponent).join("/");
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

  // A cell's place in its column: numbers by value (xsd:double's INF and -INF at the ends,
  // NaN after every number: read as numbers they were NaN, and sorted in no set order), then
  // dates by their year's number and then as text (as text, "-1000" came after "-0586"),
  // then any other term by its text; an unbound cell is last whichever way it is sorted.
  // Keys are made once a sort: one collator for every comparison (localeCompare with options
  // builds one per call, which made sorting 13,000 rows take seconds).
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short",
    "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"]);
  const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;  // as XSD writes one
  const DATES = new Set(["date", "dateTime", "gYear", "gYearMonth"]);
  const YEAR = /^\s*(-?\d+)(.*)$/s;
  const NUMBER_CLASS = 0, NAN_CLASS = 1, DATE_CLASS = 2, TEXT_CLASS = 3;
  const collator = new Intl.Collator(undefined, { numeric: true });

  function numberOf(text) {
    const value = text.trim();
    if (value === "INF" || value === "+INF") return Infinity;
    if (value === "-INF") return -Infinity;
    return NUMBER.test(value) ? Number(value) : NaN;  // "NaN", or a value no number
  }

  function sortKey(term) {
    if (!term) return null;
    const type = term.datatype || "";
    const local = term.type === "literal" && type.startsWith(XSD) ? type.slice(XSD.length) : "";
    if (NUMERIC.has(local)) {
      const n = numberOf(term.value);
      return Number.isNaN(n) ? { rank: NAN_CLASS, text: term.value }
        : { rank: NUMBER_CLASS, number: n, text: term.value.trim() };
    }
    const year = DATES.has(local) && YEAR.exec(term.value);
    if (year) return { rank: DATE_CLASS, number: Number(year[1]), text: year[2] };
    return { rank: TEXT_CLASS, text: term.type === "triple" ? asText(term) : term.value };
  }

  // Integers past 2^53 are alike as doubles: told apart by their digits.
  const INTEGER = /^[+-]?\d+$/;
  function compareNumbers(a, b) {
    if (a.number !== b.number) return a.number < b.number ? -1 : 1;
    if (!Number.isFinite(a.number) || !INTEGER.test(a.text) || !INTEGER.test(b.text)) return 0;
    const x = BigInt(a.text), y = BigInt(b.text);
    return x === y ? 0 : x < y ? -1 : 1;
  }

  function compare(a, b) {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.rank === NUMBER_CLASS) return compareNumbers(a, b);
    if (a.rank === DATE_CLASS) {
      if (a.number !== b.number) return a.number < b.number ? -1 : 1;
      return a.text === b.text ? 0 : a.text < b.text ? -1 : 1;  // the rest of the date as text
    }
    return collator.compare(a.text, b.text);
  }

  // A row's value of a variable, or undefined where it is unbound: an unbound ?constructor
  // or ?__proto__ was read from Object.prototype, and sorted as the text "undefined".
  const own = Object.prototype.hasOwnProperty;
  const bound = (binding, name) => (own.call(binding, name) ? binding[name] : undefined);

  // Sort ``bindings`` in place by the column ``name``, unbound cells last.
  function sortBy(bindings, name, ascending) {
    const keyed = bindings.map((binding) => [sortKey(bound(binding, name)), binding]);
    keyed.sort(([a], [b]) => {
      if (!a || !b) return !a && !b ? 0 : !a ? 1 : -1;
      return (ascending ? 1 : -1) * compare(a, b);
    });
    keyed.forEach(([, binding], i) => { bindings[i] = binding; });
  }

  // Only the first config.maxRows rows are drawn: laying out every row froze the tab for
  // seconds at 13,000 rows and never ended at 150,000. The downloads hold every row.
  function fillBody(body, vars, bindings) {
    const rows = document.createDocumentFragment();
    for (const binding of bindings.slice(0, config.maxRows)) {
      const row = document.createElement("tr");
      for (const name of vars) row.appendChild(cell(bound(binding, name)));
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

  // Put the answer's table in ``into`` (said to be cut short above it, where it is); return
  // what the status line says of it. ``say`` (optional) puts a sort in the status line: a
  // column sorted changed the table and nothing was said to a screen reader, whose
  // reading of aria-sort waits for the focus to move to the heading.
  function show(data, into, say) {
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
        sortBy(bindings, name, ascending);
        fillBody(body, vars, bindings);
        if (say) say(summary + ", sorted by " + name + (ascending ? ", ascending" : ", descending"));
      });
      th.appendChild(button);
      head.appendChild(th);
    }
    fillBody(body, vars, bindings);
    const n = bindings.length;
    if (n > config.maxRows) into.appendChild(cutShort(n));
    into.appendChild(table);
    const summary = count(n) + (n === 1 ? " row" : " rows") +
      (n > config.maxRows ? ", the first " + count(config.maxRows) + " shown" : "");
    return summary;
  }

  return { show: show };
};
