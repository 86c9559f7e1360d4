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
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (button instanceof HTMLButtonElement) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    if (status) status.textContent = form.dataset.busy ?? "";
  });
}
