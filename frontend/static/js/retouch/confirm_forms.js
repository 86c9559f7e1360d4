// @ts-check
/**
 * My work: a form that would send a photo back to review unchanged (its open flags were raised
 * on the revision it holds, or a manager reopened it and nothing was saved since) asks first,
 * with the question the page put in its `data-confirm`. Without JavaScript it submits as before.
 */

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    const question = /** @type {HTMLFormElement} */ (form).dataset.confirm ?? "";
    if (!window.confirm(question)) event.preventDefault();
  });
}
