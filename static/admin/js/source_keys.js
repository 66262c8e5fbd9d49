/* Source keys at hand while editing: under every cited fact's field (*_citation) a folding list of the
   source keys, each inserting [@key] at the cursor (the body has its searchable picker, source_picker.js).
   Keys come from the staff-only JSON endpoint admin/citations/source-keys.json. Include with
   `class Media: js = ["admin/js/source_keys.js"]`. */
"use strict";
(function () {
  const FIELDS = 'input[name$="_citation"]';

  function adminRoot() {
    const home = document.querySelector("#site-name a");
    return home ? home.getAttribute("href") : "/admin/";
  }

  function insertAt(field, text) {
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function helper(field, sources) {
    const details = document.createElement("details");
    details.className = "source-keys help";
    const summary = document.createElement("summary");
    summary.textContent = `Source keys (${sources.length}): click one to insert [@key]`;
    details.append(summary);
    const list = document.createElement("ul");
    for (const source of sources) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `[@${source.key}]`;
      button.addEventListener("click", () => insertAt(field, `[@${source.key}]`));
      item.append(button, ` ${source.title}${source.status === "published" ? "" : ` (${source.status})`}`);
      list.append(item);
    }
    details.append(list);
    return details;
  }

  async function start() {
    const fields = document.querySelectorAll(FIELDS);
    if (!fields.length) return;
    const response = await fetch(adminRoot() + "citations/source-keys.json", { credentials: "same-origin" });
    if (!response.ok) return;
    const { sources } = await response.json();
    for (const field of fields) field.after(helper(field, sources));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
