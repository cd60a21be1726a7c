// The search box: as one types, list what /search finds (labels, descriptions, quotes).
// Every value from the server goes in with textContent, never as markup.
"use strict";

(function () {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  if (!input || !list) return;
  let timer = null;
  let asked = "";

  async function suggest() {
    const q = input.value.trim();
    asked = q;
    if (q.length < 2) {
      list.hidden = true;
      return;
    }
    const response = await fetch(input.form.action + "?q=" + encodeURIComponent(q),
                                 { headers: { "Accept": "application/json" } });
    if (!response.ok || q !== asked) return;  // a newer keystroke has taken over
    const found = await response.json();
    list.replaceChildren();
    for (const item of found) {
      const li = document.createElement("li");
      // The server gives links only for http(s) IRIs and its own pages (null otherwise).
      const a = document.createElement(item.href ? "a" : "span");
      if (item.href) a.href = item.href;
      a.textContent = item.label;
      li.appendChild(a);
      if (item.type) {
        const span = document.createElement("span");
        span.className = "type";
        span.textContent = item.type;
        li.appendChild(span);
      }
      if (item.match !== "label") {
        // Say why it was found: the acronym, description or quote that holds the words.
        const hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = (item.match === "quote" ? "“" + item.text + "”" : item.property + ": " + item.text);
        li.appendChild(hint);
      }
      list.appendChild(li);
    }
    list.hidden = found.length === 0;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
  });
})();
