// The search box: as one types, list what /search finds (labels, descriptions, quotes).
// Every value from the server goes in with textContent, never as markup.
"use strict";

(function () {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  const said = document.getElementById("search-said");
  if (!input || !list) return;
  // What a screen reader is told of the list, which takes no focus as it opens.
  function say(text) {
    if (said) said.textContent = text;
  }
  let timer = null;
  let asked = "";

  // The box is autocomplete="off", so that the browser's own list of past entries does not
  // cover the suggestions; that also keeps the browser from filling it again on Back, and
  // the text typed before a suggestion was picked (or the search sent) was gone. It is kept
  // in this page's history entry, each entry its own, and given back when the entry is.
  function keep() {
    const state = window.history.state;
    if (state && typeof state === "object" && state.search === input.value) return;
    window.history.replaceState(Object.assign({}, state, { search: input.value }), "");
  }
  const kept = window.history.state;
  if (kept && typeof kept === "object" && typeof kept.search === "string") {
    input.value = kept.search;
  }
  input.form.addEventListener("submit", keep);

  async function suggest() {
    const q = input.value.trim();
    asked = q;
    keep();  // here, not on each key: a browser refuses a page that replaces its entry too often
    if (q.length < 2) {
      list.hidden = true;
      say("");
      return;
    }
    // A lookup the server refuses (busy: 503) or that never arrives empties the list: the
    // suggestions for the text before stayed open under this one, a click away. (A failed
    // fetch was also an uncaught error.)
    let found = [];
    let failed = null;  // why there are no suggestions, when it is not that nothing was found
    try {
      const response = await fetch(input.form.action + "?q=" + encodeURIComponent(q),
                                   { headers: { "Accept": "application/json" } });
      if (response.ok) found = await response.json();
      else failed = "the lookup was refused (" + response.status + ")";
    } catch (err) {
      found = [];
      failed = "the lookup got no answer";
    }
    if (q !== asked) return;  // a newer keystroke (or a close) has taken over
    list.replaceChildren();
    for (const [n, item] of found.entries()) {
      const li = document.createElement("li");
      // The server gives links only for http(s) IRIs and its own pages (null otherwise).
      const a = document.createElement(item.href ? "a" : "span");
      if (item.href) a.href = item.href;
      a.textContent = item.label;
      a.dir = "auto";  // isolated: a right-to-left override in a label reversed its type after it
      li.appendChild(a);
      // What is shown beside the link describes it to a screen reader, which read the link
      // alone as the arrow keys reached it: three suggestions for "iron" were "Iron Dome",
      // "Iron Dome", "Iron Dome" (its label and two quotes), nothing saying which was which.
      const described = [];
      function describe(span, what) {
        span.id = "search-" + what + "-" + n;
        described.push(span.id);
      }
      if (item.type) {
        const span = document.createElement("span");
        span.className = "type";
        span.textContent = item.type;
        describe(span, "type");
        li.appendChild(span);
      }
      if (item.match !== "label") {
        // Say why it was found: the acronym, description or quote that holds the words.
        const hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = (item.match === "quote" ? "“" + item.text + "”" : item.property + ": " + item.text);
        describe(hint, "hint");
        li.appendChild(hint);
      }
      if (item.href) a.setAttribute("aria-describedby", described.join(" "));
      list.appendChild(li);
    }
    list.hidden = found.length === 0;
    // A refused lookup was said as "no suggestions", as if nothing held the text.
    say(failed ? "no suggestions: " + failed + "; Enter searches"
      : found.length === 0 ? "no suggestions"
      : found.length + (found.length === 1 ? " suggestion" : " suggestions") +
        ": the down arrow goes through them, Enter searches");
  }

  // Close the list, and forget a lookup still on its way so that it does not reopen it.
  function close() {
    if (timer !== null) keep();  // text typed just before the focus left, no lookup yet
    clearTimeout(timer);
    timer = null;
    asked = null;
    list.hidden = true;
    say("");
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  // The keys: Escape closes the list (and only that: Chromium would also empty a search box
  // unless the key is taken here), ArrowDown and ArrowUp step through the suggestions' links
  // and back up to the box, where the text is as typed.
  input.form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      input.focus();  // first: a focused link that is hidden would drop the focus
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) {
        if (event.key === "ArrowDown") suggest();  // opens it again after an Escape
        return;
      }
      event.preventDefault();
      const stops = [input, ...list.querySelectorAll("a")];
      const at = stops.indexOf(document.activeElement);
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      stops[Math.min(Math.max(next, 0), stops.length - 1)].focus();
    }
  });

  // Close when the focus leaves the box and its list: a click or Tab elsewhere. A press on the
  // list keeps the focus in the box, so a browser that does not focus links on a click still
  // sees the click on the suggestion.
  input.form.addEventListener("focusout", (event) => {
    if (!input.form.contains(event.relatedTarget)) close();
  });
  list.addEventListener("mousedown", (event) => event.preventDefault());
})();
