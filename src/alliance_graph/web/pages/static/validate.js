// The validation form: a proposal over the server's limits is refused here, before it is sent,
// saying why, with the text kept in its box. Sent, a body over the server's limit for a
// request is refused before the app reads it (too_large.py), and the text typed is lost.
"use strict";

(function () {
  const form = document.getElementById("validate-form");
  if (!form) return;
  const textarea = document.getElementById("turtle");
  const file = document.getElementById("file");
  const problem = document.getElementById("too-big");
  const maxProposal = Number(form.dataset.maxProposalBytes);
  const maxRequest = Number(form.dataset.maxRequestBytes);
  // What a multipart form adds around its two fields: boundaries, field names, a file name.
  const overhead = Number(form.dataset.formOverhead);
  // The most a proposal sent alone may hold: a proposal's limit, or the server's for a whole
  // request (less the form around it) where that is the smaller.
  const most = Math.min(maxProposal, maxRequest - overhead);

  const count = (n) => n.toLocaleString("en");

  // The text as the form sends it: UTF-8, each line ended by CR LF.
  function pastedBytes() {
    return new Blob([textarea.value.replace(/\r?\n/g, "\r\n")]).size;
  }

  // Why the form cannot be sent, or null when it can.
  function tooBig() {
    const pasted = pastedBytes();
    const chosen = file.files.length ? file.files[0] : null;
    // Pasted text was held to a proposal's limit alone: under it, but over the server's limit
    // for a request (set lower than it), it was sent, refused unread, and lost.
    const limit = count(most) + " bytes: split it into smaller files.";
    if (chosen && chosen.size > most) {
      return "The file " + chosen.name + " is " + count(chosen.size) +
        " bytes; a proposal may be at most " + limit;
    }
    if (!chosen && pasted > most) {
      return "The pasted text is " + count(pasted) + " bytes; a proposal may be at most " + limit;
    }
    if (chosen && pasted + chosen.size + overhead > maxRequest) {
      return "The pasted text and the file together are " + count(pasted + chosen.size) +
        " bytes, more than the server takes in one request (" + count(maxRequest) +
        "). Only the file would be validated: empty the text box, or choose no file.";
    }
    return null;
  }

  function check() {
    const why = tooBig();
    problem.textContent = why || "";
    problem.hidden = why === null;
    return why === null;
  }

  form.addEventListener("submit", (event) => {
    if (!check()) event.preventDefault();
  });
  file.addEventListener("change", check);  // said as soon as the file is chosen
  // And as the text is pasted or cut: a refusal stayed in view, its size stale, after the text
  // was cut to fit, until Validate was pressed again. Counting the bytes walks the whole text,
  // so it is done only where they may be over (at most 3 bytes a character, a line's CR
  // included) or a refusal is in view.
  textarea.addEventListener("input", () => {
    if (!problem.hidden || textarea.value.length * 3 > most) {
      check();
    }
  });
})();
