/* The live preview of a cited item's text (admin/thaw/live_preview.html). 400 ms after the editor stops typing in
   a cited field, the change form's fields are posted (with its CSRF token) to the staff-only endpoint named by the
   panel's data-url, which renders them as publishing will and answers with HTML, escaped by the server as on the
   public page. One request at a time: typing while one is out sends the form again once it has answered. Without
   JavaScript the panel stays hidden and the form works as before. */
"use strict";
(function () {
  const DELAY_MS = 400;
  const CITED = /^(body|notes|disputed|needs_citations_since|\w+_citation)$/;

  function placeBodyTools(field) {
    const tools = document.getElementById("thaw-body-tools");
    const row = field.closest(".form-row") || field;
    if (row.nextElementSibling !== tools) row.after(tools);
    tools.hidden = false;
  }

  function say(status, text) {
    if (status.textContent !== text) status.textContent = text;  // a live region reads out changes only
  }

  function start() {
    const panel = document.getElementById("thaw-live-preview");
    const field = document.getElementById("id_body");
    if (!panel || !field || !field.form) return;
    const form = field.form;
    const content = panel.querySelector(".thaw-live-preview__content");
    const status = document.getElementById("thaw-live-preview-status");
    placeBodyTools(field);
    panel.hidden = false;
    let timer = null;
    let busy = false;  // one request at a time: typing during one sends the form again when it has answered
    let again = false;

    async function render() {
      const response = await fetch(panel.dataset.url, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      if (response.redirected) {
        return "Your session has ended: sign in again (in another tab) to see the preview. Nothing typed is lost.";
      }
      if (!response.ok) {
        return response.status === 413 ? await response.text() : `The preview could not be updated (error ${response.status}).`;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      content.replaceChildren(...page.body.childNodes);
      const blocking = Number(content.querySelector("[data-blocking]")?.dataset.blocking || 0);
      return blocking
        ? `Updated as you type, not saved: ${blocking} problem${blocking === 1 ? "" : "s"} will block publishing.`
        : "Updated as you type, not saved: nothing in the citations blocks publishing.";
    }

    async function refresh() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        say(status, await render());
      } catch {
        say(status, "The preview could not be updated: the server did not answer.");
      } finally {
        busy = false;
      }
      if (again) {
        again = false;
        refresh();
      }
    }

    form.addEventListener("input", (event) => {
      if (!CITED.test(event.target.name || "")) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
