// @ts-check
/**
 * Drafts: the editor's document written down after every change (in the browser's local storage
 * at once, on the server a moment later) so that a reload, a crash or another computer loses
 * nothing. A draft holds the committed ops with their anchors, the note and the revision the edit
 * started from; the newest copy wins when the editor opens.
 */

import { anchorsOf, fromRecipe, isShaped, toRecipe } from "./ops.js";

/** @typedef {import("./ops.js").EditorDoc} EditorDoc */
/** @typedef {import("./ops.js").EditorOp} EditorOp */
/**
 * @typedef {{version: 1, base: "ai" | "auto", ops: EditorOp[], note: string}} DraftDocument
 * @typedef {{document: DraftDocument, baseRevision: number | null, savedAt: string, source: "local" | "server"}} Draft
 */

export const DRAFT_VERSION = 1;

/** @param {number} photoId @param {string} username */
export function localDraftKey(photoId, username) {
  return `jewelreview:editor-draft:${photoId}:${username}`;
}

/**
 * @param {EditorDoc} doc @param {string} note
 * @returns {DraftDocument}
 */
export function draftDocument(doc, note) {
  return { version: DRAFT_VERSION, base: doc.base, ops: /** @type {EditorOp[]} */ (doc.ops.slice()), note };
}

/** @param {unknown} point */
function isPoint(point) {
  return Boolean(point) && typeof point === "object" && Number.isFinite(/** @type {any} */ (point).x) && Number.isFinite(/** @type {any} */ (point).y);
}

/** @param {any} shape */
function isShape(shape) {
  return (
    shape === null ||
    (shape &&
      Array.isArray(shape.subpaths) &&
      shape.subpaths.every(
        (/** @type {any} */ path) =>
          path &&
          typeof path.closed === "boolean" &&
          Array.isArray(path.anchors) &&
          path.anchors.every((/** @type {any} */ a) => isPoint(a) && (a.hin === null || isPoint(a.hin)) && (a.hout === null || isPoint(a.hout))),
      ))
  );
}

/**
 * The editor document of a stored draft, or null when it is not one this editor wrote
 * (another version, damaged storage): such a draft is ignored, never half loaded.
 * @param {unknown} raw
 * @returns {{doc: EditorDoc, note: string} | null}
 */
export function draftToDoc(raw) {
  const stored = /** @type {any} */ (raw);
  if (!stored || stored.version !== DRAFT_VERSION || !Array.isArray(stored.ops)) return null;
  const ids = new Set();
  for (const op of stored.ops) {
    if (!op || typeof op.id !== "string" || typeof op.op !== "string" || ids.has(op.id)) return null;
    ids.add(op.id);
    if ("shape" in op && !isShape(op.shape)) return null;
  }
  // Drafts written before auto-fix's boxes had editable corners keep their recover ops without
  // anchors and their regional refines without a shape: give them the anchors a recipe would.
  const ops = stored.ops.map((/** @type {any} */ op) => (isShaped(op) && !op.shape ? { ...op, shape: anchorsOf(op) } : op));
  return { doc: { base: stored.base === "auto" ? "auto" : "ai", ops }, note: typeof stored.note === "string" ? stored.note : "" };
}

/**
 * The newest of the drafts found (local storage, server), or null.
 * @param {readonly (Draft | null)[]} drafts
 * @param {number} [now] ms since the epoch; a time after it counts as now
 * @returns {Draft | null}
 */
export function newestDraft(drafts, now = Date.now()) {
  /** @type {Draft | null} */
  let newest = null;
  for (const draft of drafts) {
    if (!draft || !draftToDoc(draft.document)) continue;
    if (!newest || draftTime(draft, now) > draftTime(newest, now)) newest = draft;
  }
  return newest;
}

/**
 * When a draft was saved, never later than now: a browser whose clock runs ahead would otherwise
 * win every comparison with a draft it wrote days ago. Unreadable times count as the oldest.
 * @param {{savedAt: string}} draft @param {number} now ms since the epoch
 */
export function draftTime(draft, now) {
  const time = Date.parse(draft.savedAt);
  return Number.isFinite(time) ? Math.min(time, now) : -Infinity;
}

/** How long a local draft of another photo is kept (ms): two weeks, then local storage is freed. */
export const LOCAL_DRAFT_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

const LOCAL_DRAFT_PREFIX = "jewelreview:editor-draft:";

/**
 * The local-storage keys to delete when the editor opens, so storage does not fill up: this
 * person's draft of this photo when the server copy is newer, and drafts of other photos not
 * written for LOCAL_DRAFT_MAX_AGE_MS. Damaged entries of other photos go too.
 * @param {readonly {key: string, savedAt: string | null}[]} entries every draft key in local storage
 * @param {{photoId: number, username: string, serverSavedAt: string | null, now: number}} context
 * @returns {string[]}
 */
export function localDraftsToDrop(entries, { photoId, username, serverSavedAt, now }) {
  const own = localDraftKey(photoId, username);
  const photoPrefix = `${LOCAL_DRAFT_PREFIX}${photoId}:`;
  const server = serverSavedAt === null ? null : draftTime({ savedAt: serverSavedAt }, now);
  return entries
    .filter(({ key, savedAt }) => {
      if (!key.startsWith(LOCAL_DRAFT_PREFIX)) return false;
      const time = savedAt === null ? -Infinity : draftTime({ savedAt }, now);
      if (key === own) return server !== null && time < server;
      if (key.startsWith(photoPrefix)) return false; // another person's draft of this photo
      return now - time > LOCAL_DRAFT_MAX_AGE_MS;
    })
    .map(({ key }) => key);
}

/**
 * Whether the editor changed while a save was in flight: the recipe or the note differ from what
 * was sent. Then the draft is kept (on the new revision) rather than dropped, and the note stays.
 * @param {{recipe: unknown, note: string}} sent @param {{recipe: unknown, note: string}} now
 * @returns {{recipe: boolean, note: boolean}}
 */
export function changedSinceSent(sent, now) {
  return { recipe: stableJson(sent.recipe) !== stableJson(now.recipe), note: sent.note !== now.note };
}

/**
 * Whether a draft holds anything the revision does not: the same recipe and no note means the
 * draft is just the revision, and the editor opens without a notice.
 * @param {Draft} draft @param {unknown} revisionRecipe null for the AI mask alone
 */
export function draftDiffers(draft, revisionRecipe) {
  const loaded = draftToDoc(draft.document);
  if (!loaded) return false;
  return loaded.note.trim() !== "" || !sameRecipe(toRecipe(loaded.doc), revisionRecipe);
}

/**
 * Whether the editor holds just the saved revision again (its edits undone, no note): no draft is
 * kept then, so My work does not say there are edits left unsaved.
 * @param {import("./ops.js").EditorDoc} doc @param {string} note @param {import("./ops.js").EditorDoc} savedDoc
 */
export function nothingUnsaved(doc, note, savedDoc) {
  return note.trim() === "" && sameRecipe(toRecipe(doc), toRecipe(savedDoc));
}

/**
 * Whether two recipes do the same (an editor's and a saved one, which the server may have written
 * with other key orders or `enabled: true` spelled out); null is no recipe (the AI mask alone).
 * @param {any} a @param {any} b
 */
export function sameRecipe(a, b) {
  const normal = (/** @type {any} */ recipe) => stableJson(toRecipe(fromRecipe(recipe ?? { version: 1, base: "ai", ops: [] })));
  return normal(a) === normal(b);
}

/**
 * JSON with object keys sorted, so equal recipes give equal text whatever their key order.
 * @param {unknown} value
 * @returns {string}
 */
export function stableJson(value) {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
