// @ts-check
/**
 * /dashboard/photos/: row selection (shared with the grid) and a confirmation before an
 * action that cannot be undone (buttons with ``data-confirm``).
 */
import { bindSelection } from "../grid/selection_ui.js";

const form = /** @type {HTMLFormElement | null} */ (document.querySelector("[data-selection-form]"));
if (form) {
  bindSelection(form);
  form.addEventListener("submit", (event) => {
    const submitter = /** @type {HTMLElement | null} */ (event.submitter);
    const question = submitter?.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
}
