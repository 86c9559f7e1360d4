// @ts-check
/**
 * Keeps the draft: after every change the editor's document goes to local storage at once and
 * to the server (PUT /api/photos/{id}/draft/) a moment later, and once more, with keepalive,
 * when the page is hidden or left. Reading picks the newest of the two (state/drafts.js).
 *
 * Browsers refuse keepalive bodies over 64 KiB, so the server copy is sent soon after a change
 * and leaving with edits not yet on the server asks first (beforeunload). A PUT still in flight
 * is awaited before a DELETE, and its late answer is ignored once the draft is dropped.
 *
 * One draft per person and photo: the same photo open in two tabs would replace each other's
 * draft without a word, so when another tab writes it (the browser's `storage` event) the status
 * line says so.
 */

import { draftDocument, localDraftKey, localDraftsToDrop } from "../state/drafts.js";
import { problemText, requestJson } from "./api.js";

/** Quiet time before the server copy is written (ms): a slider drag is one write, not fifty,
 * yet short enough that the copy is on the server before someone closes the tab. */
const SERVER_DELAY_MS = 400;

const LOCAL_PREFIX = "jewelreview:editor-draft:";
const OTHER_TAB = "This photo is open in another tab too: its edits and these replace each other's draft. Keep one tab.";

/** @typedef {import("../state/drafts.js").Draft} Draft */
/** @typedef {import("../state/ops.js").EditorDoc} EditorDoc */

/**
 * @param {{photoId: number, username: string, url: string, doc: () => EditorDoc, note: () => string,
 *   baseRevision: () => number | null, onStatus: (message: string) => void}} options
 */
export function createDraftKeeper({ photoId, username, url, doc, note, baseRevision, onStatus }) {
  const key = localDraftKey(photoId, username);
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  /** @type {{document: unknown, base_revision: number | null, saved_at: string} | null} */
  let unsent = null;
  /** @type {Promise<void> | null} the PUT in flight */
  let sending = null;
  /** Bumped by discard(): answers to PUTs sent before it are stale. */
  let generation = 0;
  /** Another tab wrote this draft: every status says so from then on. */
  let otherTab = false;

  /** @param {string} message */
  function status(message) {
    onStatus(otherTab ? `${message} ${OTHER_TAB}` : message);
  }

  function snapshot() {
    return { document: draftDocument(doc(), note()), base_revision: baseRevision(), saved_at: new Date().toISOString() };
  }

  /** @param {{document: unknown, base_revision: number | null, saved_at: string}} body */
  function writeLocal(body) {
    try {
      localStorage.setItem(key, JSON.stringify({ document: body.document, baseRevision: body.base_revision, savedAt: body.saved_at }));
      return true;
    } catch {
      return false; // storage full or off: the server copy still goes
    }
  }

  /** @param {boolean} keepalive */
  function sendServer(keepalive) {
    if (!unsent) return sending ?? Promise.resolve();
    const body = unsent;
    unsent = null;
    const sentIn = generation;
    const request = (async () => {
      const answer = await requestJson("PUT", url, body, { keepalive });
      if (sentIn !== generation) return; // the draft was dropped meanwhile
      if (answer.ok) status(`Draft kept at ${new Date(body.saved_at).toLocaleTimeString()}.`);
      else if (answer.status === 409) {
        unsent = unsent ?? body;
        status(
          `Draft not kept on the server: a newer draft of this photo is there (another tab or computer). ` +
            `Your edits are kept in this browser; reload to compare.`,
        );
      } else {
        unsent = unsent ?? body; // try again with the next change
        status(`Draft kept in this browser only: ${problemText(answer)}`);
      }
    })();
    const settled = request.finally(() => {
      if (sending === settled) sending = null;
    });
    sending = settled;
    return settled;
  }

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    sendServer(true);
  }

  const onHide = () => {
    if (document.visibilityState === "hidden") flush();
  };
  /** @param {BeforeUnloadEvent} event */
  const onBeforeUnload = (event) => {
    if (!unsent && !timer && !sending) return;
    flush();
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the prompt
  };
  /** @param {StorageEvent} event */
  const onOtherTab = (event) => {
    if (event.key === key && event.newValue) {
      otherTab = true;
      onStatus(OTHER_TAB);
    }
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", flush);
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("storage", onOtherTab);

  return {
    /** The document or note changed: keep it. */
    keep() {
      const body = snapshot();
      const local = writeLocal(body);
      unsent = body;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        sendServer(false);
      }, SERVER_DELAY_MS);
      status(local ? "Draft kept in this browser…" : "Could not write the draft in this browser (storage full or off): keeping it on the server…");
    },
    /** @returns {Draft | null} the draft in local storage */
    readLocal() {
      try {
        const raw = localStorage.getItem(key);
        if (!raw) return null;
        const parsed = JSON.parse(raw);
        return { document: parsed.document, baseRevision: parsed.baseRevision ?? null, savedAt: String(parsed.savedAt), source: "local" };
      } catch {
        return null;
      }
    },
    /**
     * Free local storage when the editor opens: this draft if the server's is newer, and other
     * photos' drafts older than two weeks (state/drafts.js localDraftsToDrop).
     * @param {string | null} serverSavedAt
     */
    prune(serverSavedAt) {
      try {
        /** @type {{key: string, savedAt: string | null}[]} */
        const entries = [];
        for (let index = 0; index < localStorage.length; index += 1) {
          const name = localStorage.key(index);
          if (!name || !name.startsWith(LOCAL_PREFIX)) continue;
          let savedAt = null;
          try {
            savedAt = String(JSON.parse(localStorage.getItem(name) ?? "null").savedAt);
          } catch {
            // damaged: counts as the oldest
          }
          entries.push({ key: name, savedAt });
        }
        for (const name of localDraftsToDrop(entries, { photoId, username, serverSavedAt, now: Date.now() })) localStorage.removeItem(name);
      } catch {
        // storage off: nothing to free
      }
    },
    /**
     * Drop both copies (after a save made the edit a revision, the person discarded it, or undid
     * back to the saved revision).
     * @param {string} [message] what the status line says
     */
    async discard(message = "Saved: no draft is kept.") {
      if (timer) clearTimeout(timer);
      timer = null;
      unsent = null;
      generation += 1;
      const pending = sending;
      status(message);
      try {
        localStorage.removeItem(key);
      } catch {
        // nothing kept locally
      }
      if (pending) await pending; // a PUT landing after the DELETE would bring the draft back
      if (unsent || timer || sending) return; // edited meanwhile: the next PUT replaces the copy
      await requestJson("DELETE", url);
    },
    flush,
    destroy() {
      flush();
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", flush);
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("storage", onOtherTab);
    },
  };
}
