/* Names the admin's autocomplete widgets (select2 4.0.13) after the fields they stand for, and keeps their
   markup valid. select2 leaves an empty single choice and the search box of a multiple choice unnamed, gives
   the text a single choice shows the role of an unnamed text box, and puts its "clear" cross straight into a
   <ul>. Runs once Django's autocomplete.js has made the widgets,
   again when a choice changes (select2 redraws the cross) and when an inline row is added.
   Include with `class Media: js = ["admin/js/select2_labels.js"]`; inert on forms without autocomplete fields. */
"use strict";
(function () {
  function labelOf(select) {
    return select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
  }

  function nameOf(select) {
    const label = labelOf(select);
    const text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return text.replace(/:\s*$/, "").trim();
  }

  function mend(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    const name = nameOf(select);
    const label = labelOf(select);
    container.querySelectorAll('[role="combobox"], .select2-search__field').forEach((element) => {
      element.setAttribute("aria-label", name);
      const shown = element.getAttribute("aria-labelledby");
      if (label && shown && !shown.includes(" ")) {
        // A single choice is named by what it shows: put the field's label first.
        label.id = label.id || `${select.id}-label`;
        element.setAttribute("aria-labelledby", `${label.id} ${shown}`);
      }
    });
    // What a single choice shows is read as part of the combobox's name: it is not a text box of its own.
    container.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach((shown) => {
      shown.removeAttribute("role");
      shown.removeAttribute("aria-readonly");
    });
    container.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach((cross) => {
      const item = document.createElement("li");
      item.className = "select2-selection__clear-item";
      cross.replaceWith(item);
      item.appendChild(cross);
    });
  }

  function mendAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(mend);
  }

  window.addEventListener("load", function () {
    mendAll();
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "select.admin-autocomplete", (event) => mend(event.target));
    }
  });
  document.addEventListener("formset:added", () => setTimeout(mendAll));
})();
