// @ts-check
/**
 * /grid/: selection and backdrop, re-bound after htmx swaps the results region (after "Approve
 * selected"). B cycles the backdrop when the focus is not in a text field.
 */
import { bindBackdrop } from "./backdrop_ui.js";
import { bindSelection } from "./selection_ui.js";

const filters = /** @type {HTMLFormElement | null} */ (document.querySelector("[data-grid-filters]"));
const backdrop = filters
  ? bindBackdrop(filters, () => /** @type {HTMLElement | null} */ (document.querySelector("[data-backdrop-target]")))
  : null;

function bindResults() {
  const form = /** @type {HTMLElement | null} */ (document.querySelector("[data-selection-form]"));
  return form ? bindSelection(form) : null;
}

let selection = bindResults();

document.body.addEventListener("htmx:afterSwap", () => {
  selection?.destroy();
  selection = bindResults();
  backdrop?.apply();
  /** @type {HTMLElement | null} */ (document.querySelector("[data-grid-results]"))?.focus();
});

document.addEventListener("keydown", (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = target.matches("input:not([type=checkbox]):not([type=radio]), select, textarea");
  if ((event.key === "b" || event.key === "B") && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    backdrop?.cycle();
  }
});
