// @ts-check
/**
 * Saving: the committed recipe becomes a new revision with a note (POST .../revisions/). If
 * someone saved meanwhile, the service keeps this edit as a side revision and answers 409: the
 * panel says so and shows both, theirs and yours, and lets the retoucher put theirs in the editor
 * (an undoable step) or save theirs' successor from their own again. Nothing is lost either way.
 *
 * After a save the render runs on the server; the panel polls the render API and shows its
 * progress, then the result (its preview and a link to the full-resolution PNG), or the error
 * with a retry. Claiming the photo and submitting it for review are a click away. Submit sends
 * the last saved revision: with edits not saved it refuses and says so, and when that revision
 * is the one the open flags were raised on it asks first.
 */

import { changedSinceSent, sameRecipe } from "../state/drafts.js";
import { committedRecipe } from "../state/editor_state.js";
import { fromRecipe, opSummary } from "../state/ops.js";
import { problemText, requestJson } from "./api.js";
import { renderProgress } from "./render_progress_ui.js";

/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/** @typedef {{id: number, number: number, author: string | null, note: string, created_at: string, recipe: any, render: any}} RevisionInfo */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the editor page has no #${id}`);
  return element;
}

/**
 * @param {{store: {getState: () => EditorState}, config: any, note: HTMLTextAreaElement,
 *   baseRevision: {get: () => number | null, set: (id: number | null) => void},
 *   onSaved: (revision: RevisionInfo, changedMeanwhile: boolean) => void, onRendered: (render: any, revision: RevisionInfo) => void,
 *   onConflict: (theirs: RevisionInfo | null, mine: RevisionInfo | null) => void,
 *   onTakeTheirs: (revision: RevisionInfo) => void, say: (message: string, lasting?: boolean) => void}} options
 *   onConflict: a save raced another; the revisions are null when the list did not load
 */
export function bindSave({ store, config, note, baseRevision, onSaved, onRendered, onConflict, onTakeTheirs, say }) {
  const form = /** @type {HTMLFormElement} */ (byId("save-form"));
  const button = /** @type {HTMLButtonElement} */ (byId("save"));
  const status = byId("save-status");
  const conflict = byId("conflict");
  const submit = /** @type {HTMLButtonElement} */ (byId("submit"));
  const progress = renderProgress(byId("render-progress"), { onRendered });
  let saving = false;
  /** The recipe and id of the revision a submit would send: the page's, then each one saved or taken. */
  let saved = config.revision ? { id: config.revision.id, recipe: config.revision.recipe } : null;

  button.disabled = !config.access.can_save;
  submit.hidden = !(config.access.can_save && config.photo.status === "in_repair");
  submit.disabled = !config.revision;
  if (config.render) progress.follow(config.render, config.revision);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  const claim = document.getElementById("claim");
  if (claim) claim.addEventListener("click", async () => {
    const answer = await requestJson("POST", config.urls.claim, { version: config.photo.version });
    if (answer.ok) window.location.reload();
    else say(`Not claimed: ${problemText(answer)}`, true);
  });
  submit.addEventListener("click", async () => {
    if (!sameRecipe(committedRecipe(store.getState()), saved ? saved.recipe : null)) {
      say("Save your changes first: Submit sends the last saved revision, and the editor holds edits that are not in it.", true);
      button.focus();
      return;
    }
    const flagged = config.flagged_revisions || [];
    if (saved && flagged.includes(saved.id) && !window.confirm("This is the revision the reviewer flagged: nothing has been saved since. Send it back to review unchanged?")) return;
    const reopenedAsIs = config.reopened_unchanged && (saved ? saved.id : null) === (config.revision ? config.revision.id : null);
    if (reopenedAsIs && !window.confirm("A manager reopened this photo and nothing has been saved since. Send it back to review unchanged?")) return;
    submit.disabled = true;
    const answer = await requestJson("POST", config.urls.submit, { revision: saved ? saved.id : null });
    if (answer.ok) {
      say("Sent back to review.");
      // My work says so once it opens (the server checks this person did send it).
      window.location.assign(`${config.urls.retouch}?submitted=${config.photo.id}`);
    } else {
      submit.disabled = false;
      say(`Not submitted: ${problemText(answer)}`, true);
    }
  });

  /** @param {{over?: string}} [options] over: the revision saved over after a conflict, named */
  async function save({ over } = {}) {
    if (saving) return;
    if (!config.access.can_save) {
      status.textContent = config.access.reason;
      return;
    }
    saving = true;
    button.disabled = true;
    status.textContent = "Saving…";
    const body = { recipe: committedRecipe(store.getState()), base_revision: baseRevision.get(), note: note.value };
    const answer = await requestJson("POST", config.urls.revisions, body);
    saving = false;
    button.disabled = false;
    if (answer.ok) {
      conflict.hidden = true;
      baseRevision.set(answer.data.id);
      saved = { id: answer.data.id, recipe: body.recipe };
      // Edits made while the POST was in flight are not in this revision: keep them as a draft.
      const changed = changedSinceSent(body, { recipe: committedRecipe(store.getState()), note: note.value });
      if (!changed.note) note.value = "";
      const meanwhile = changed.recipe || changed.note;
      const kept = over ? ` on top of ${over}, which stays in the history` : "";
      const what = answer.data.unchanged
        ? `Nothing to save: the recipe is revision ${answer.data.number}'s, so no new revision was made.`
        : `Saved as revision ${answer.data.number}${kept}.`;
      status.textContent = `${what}${meanwhile ? " Changes made while saving are kept as a draft: save again to include them." : ""}`;
      submit.disabled = false;
      onSaved(answer.data, meanwhile);
      if (answer.data.render) progress.follow(answer.data.render, answer.data);
      return;
    }
    if (answer.status === 409 && answer.data && answer.data.code === "stale_base_revision") {
      status.textContent = answer.data.message;
      await showConflict(answer.data.details);
      return;
    }
    status.textContent = `Not saved: ${problemText(answer)}`;
  }

  /** @param {{current_revision: number, saved_revision: number}} details */
  async function showConflict(details) {
    const answer = await requestJson("GET", config.urls.revisions);
    const revisions = answer.ok ? /** @type {RevisionInfo[]} */ (answer.data) : [];
    const theirs = revisions.find((revision) => revision.id === details.current_revision);
    const mine = revisions.find((revision) => revision.id === details.saved_revision);
    conflict.hidden = false;
    onConflict(theirs ?? null, mine ?? null);
    describe(byId("conflict-theirs"), theirs, "theirs");
    describe(byId("conflict-mine"), mine, "yours");
    const keepMine = /** @type {HTMLButtonElement} */ (byId("conflict-keep-mine"));
    const takeTheirs = /** @type {HTMLButtonElement} */ (byId("conflict-take-theirs"));
    keepMine.onclick = () => {
      const theirsName = theirs ? `revision ${theirs.number}${theirs.author ? ` by ${theirs.author}` : ""}` : "their revision";
      if (!window.confirm(`Save yours as the current revision, on top of ${theirsName}? Theirs stays in the history.`)) return;
      baseRevision.set(details.current_revision);
      conflict.hidden = true;
      if (mine && !note.value) note.value = mine.note;
      save({ over: theirsName });
    };
    takeTheirs.disabled = !theirs;
    takeTheirs.onclick = () => {
      if (!theirs) return;
      conflict.hidden = true;
      baseRevision.set(theirs.id);
      saved = { id: theirs.id, recipe: theirs.recipe };
      onTakeTheirs(theirs);
      status.textContent = `Revision ${theirs.number} is in the editor; yours stays as revision ${mine ? mine.number : "?"} (Ctrl+Z brings it back here).`;
    };
  }

  /** @param {HTMLElement} box @param {RevisionInfo | undefined} revision @param {string} whose */
  function describe(box, revision, whose) {
    box.replaceChildren();
    const heading = document.createElement("h3");
    heading.textContent = revision ? `${whose === "yours" ? "Yours" : "Theirs"}: revision ${revision.number}` : `${whose}: not found`;
    box.append(heading);
    if (!revision) return;
    const meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = `${revision.author ?? "?"}, ${new Date(revision.created_at).toLocaleString()}${revision.note ? ` · “${revision.note}”` : ""}`;
    const list = document.createElement("ol");
    for (const op of fromRecipe(revision.recipe).ops) {
      const item = document.createElement("li");
      item.textContent = opSummary(op);
      list.append(item);
    }
    if (!list.children.length) list.append(Object.assign(document.createElement("li"), { textContent: "No ops: the AI mask." }));
    box.append(meta, list);
  }

  return { save };
}
