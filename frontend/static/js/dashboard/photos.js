// @ts-check
/**
 * /dashboard/photos/: row selection (shared with the grid), a confirmation before an action
 * that cannot be undone (buttons with ``data-confirm``), and the reassign's checks: a choice
 * must be made, and unassigning photos in repair (which releases their claims) asks first.
 * Without JavaScript the server refuses a missing choice the same way.
 */
import { bindSelection } from "../grid/selection_ui.js";
import { reassignCheck } from "./reassign.js";

const form = /** @type {HTMLFormElement | null} */ (document.querySelector("[data-selection-form]"));
if (form) {
  bindSelection(form);
  const select = /** @type {HTMLSelectElement | null} */ (form.querySelector("[data-assignee-select]"));
  const error = /** @type {HTMLElement | null} */ (form.querySelector("[data-assignee-error]"));
  const noOne = /** @type {HTMLOptionElement | null} */ (select?.querySelector("[data-no-one]"));

  /** @param {string} text */
  const showError = (text) => {
    if (!error || !select) return;
    error.textContent = text;
    error.hidden = !text;
    select.setAttribute("aria-invalid", text ? "true" : "false");
  };
  select?.addEventListener("change", () => showError(""));

  form.addEventListener("submit", (event) => {
    const submitter = /** @type {HTMLButtonElement | null} */ (event.submitter);
    if (submitter?.value === "assign" && select) {
      const statuses = [.../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll("input[data-photo-id]:checked"))].map(
        (box) => box.dataset.status ?? "",
      );
      const check = reassignCheck({ choice: select.value, noOne: noOne?.value ?? "", statuses });
      if (check && "refuse" in check) {
        event.preventDefault();
        showError(check.refuse);
        select.focus();
        return;
      }
      showError("");
      if (check && "ask" in check && !window.confirm(check.ask)) event.preventDefault();
      return;
    }
    const question = submitter?.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
}
