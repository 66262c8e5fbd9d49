/* The body's source picker (admin/thaw/live_preview.html): a combobox searching the staff-only endpoint named by
   the picker's data-search-url (sources by author, title or key), whose chosen source is inserted into the body
   at its cursor as [@key, p. ], the cursor left after "p. " for the page number. Keyboard: type, ArrowDown/ArrowUp
   to choose, Enter to insert, Escape to close. Without JavaScript the picker stays hidden. */
"use strict";
(function () {
  const DELAY_MS = 250;

  function placeBodyTools(field) {
    const tools = document.getElementById("thaw-body-tools");
    const row = field.closest(".form-row") || field;
    if (row.nextElementSibling !== tools) row.after(tools);
    tools.hidden = false;
  }

  function describe(source) {
    const by = source.authors ? `${source.authors}. ` : "";
    const year = source.year ? ` (${source.year})` : "";
    const status = source.status === "live" || source.status === "Published" ? "" : ` — ${source.status.toLowerCase()}`;
    return `${by}${source.title}${year}${status}`;
  }

  function start() {
    const picker = document.getElementById("thaw-source-picker");
    const field = picker && document.getElementById(picker.dataset.field);
    if (!field) return;
    const input = document.getElementById("thaw-source-query");
    const list = document.getElementById("thaw-source-options");
    const status = document.getElementById("thaw-source-status");
    placeBodyTools(field);
    picker.hidden = false;
    let options = [];
    let active = -1;
    let timer = null;
    let controller = null;

    function highlight(index) {
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }

    function insert(key) {
      const text = `[@${key}, p. ]`;
      const start = field.selectionStart ?? field.value.length;
      const end = field.selectionEnd ?? start;
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
      field.focus();
      const caret = start + text.length - 1;  // after "p. ", before "]"
      field.setSelectionRange(caret, caret);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      status.textContent = `Inserted [@${key}, p. ] into the body: type the page number.`;
    }

    function show(sources, more) {
      options = sources.map((source, i) => {
        const option = document.createElement("li");
        option.id = `thaw-source-option-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const key = document.createElement("span");
        key.className = "thaw-source-picker__key";
        key.textContent = `[@${source.key}]`;
        option.append(key, ` ${describe(source)}`);
        option.addEventListener("mousedown", (event) => event.preventDefault());  // the combobox keeps the focus
        option.addEventListener("click", () => insert(source.key));
        return option;
      });
      list.replaceChildren(...options);
      active = -1;
      list.hidden = !options.length;
      input.setAttribute("aria-expanded", String(options.length > 0));
      const count = options.length === 1 ? "1 source" : `${options.length}${more ? " or more" : ""} sources`;
      status.textContent = options.length ? `${count} found: arrow keys to choose, Enter to insert.` : "No source matches.";
    }

    async function search() {
      controller?.abort();
      controller = new AbortController();
      const url = `${picker.dataset.searchUrl}?q=${encodeURIComponent(input.value.trim())}`;
      try {
        const response = await fetch(url, { credentials: "same-origin", signal: controller.signal });
        if (!response.ok || response.redirected) {
          status.textContent = "The sources could not be searched just now.";
          return;
        }
        const { sources, more } = await response.json();
        show(sources, more);
      } catch (error) {
        if (error.name !== "AbortError") status.textContent = "The sources could not be searched just now.";
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      if (!input.value.trim()) {
        controller?.abort();
        options = [];
        list.replaceChildren();
        close();
        status.textContent = "";
        return;
      }
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        event.preventDefault();  // never submits the change form
        if (active >= 0 && !list.hidden) options[active].click();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
