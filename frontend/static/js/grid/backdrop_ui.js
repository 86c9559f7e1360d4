// @ts-check
/**
 * The grid's backdrop picker: radio buttons and a colour input in the filter form switch the
 * backdrop at once (no reload), and the page URL and its page links keep the choice.
 */
import { BACKDROPS, backdropClass, backdropOf, isHexColour, withBackdrop } from "./backdrop.js";

/**
 * @param {HTMLFormElement} form  holds ``input[name=backdrop]`` radios and ``input[name=colour]``
 * @param {() => HTMLElement | null} target  the element whose class names the backdrop (it may be replaced)
 * @returns {{ apply(): void, cycle(): void, destroy(): void }}
 */
export function bindBackdrop(form, target) {
  const radios = () => /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[name="backdrop"]')]);
  const colourInput = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="colour"]'));

  function chosen() {
    return backdropOf(radios().find((radio) => radio.checked)?.value);
  }

  function apply() {
    const name = chosen();
    const colour = colourInput && isHexColour(colourInput.value) ? colourInput.value : "";
    const element = target();
    if (element) {
      element.classList.remove(...BACKDROPS.map((b) => backdropClass(b)));
      element.classList.add(backdropClass(name));
      if (colour) element.style.setProperty("--backdrop-custom", colour);
    }
    history.replaceState(history.state, "", withBackdrop(location.href, location.href, name, colour));
    for (const link of document.querySelectorAll("a[data-keep-query]")) {
      const href = link.getAttribute("href");
      if (href !== null) link.setAttribute("href", withBackdrop(href, location.href, name, colour));
    }
  }

  /** The next backdrop in the list (the B key). */
  function cycle() {
    const list = radios();
    const index = list.findIndex((radio) => radio.checked);
    const next = list[(index + 1) % list.length];
    if (next) next.checked = true;
    apply();
  }

  /** @param {Event} event */
  function onChange(event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input === colourInput) {
      const custom = radios().find((radio) => radio.value === "custom");
      if (custom) custom.checked = true;
    } else if (input.name !== "backdrop") {
      return;
    }
    apply();
  }

  form.addEventListener("change", onChange);
  form.addEventListener("input", onChange);
  apply();
  return {
    apply,
    cycle,
    destroy() {
      form.removeEventListener("change", onChange);
      form.removeEventListener("input", onChange);
    },
  };
}
