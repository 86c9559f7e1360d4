// @ts-check
/**
 * Uploads: the import runs while the request is open (files are checked, stored and paired; with
 * in-process tasks previews and detection too), which takes seconds for a shoot. Once sent, the
 * button is off (no second import of the same files) and a status line says what is happening.
 * Without JavaScript the form posts as before.
 */

const form = document.querySelector("form[data-busy]");
if (form instanceof HTMLFormElement) {
  const status = document.getElementById("upload-status");
  /** @param {boolean} on */
  const busy = (on) => {
    const button = form.querySelector("button[type=submit]");
    if (button instanceof HTMLButtonElement) button.disabled = on;
    form.setAttribute("aria-busy", String(on));
    if (status) status.textContent = on ? form.dataset.busy ?? "" : "";
  };
  form.addEventListener("submit", () => busy(true));
  // Back to this page (from the browser's cache, or with the button's state restored, as Firefox
  // does): the import it showed as running is over.
  window.addEventListener("pageshow", () => busy(false));
}
