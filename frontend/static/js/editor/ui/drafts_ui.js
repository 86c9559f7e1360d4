// @ts-check
/**
 * Keeps the draft: after every change the editor's document goes to local storage at once and
 * to the server (PUT /api/photos/{id}/draft/) a moment later, and once more, with keepalive,
 * when the page is hidden or left. Reading picks the newest of the two (state/drafts.js).
 */

import { draftDocument, localDraftKey } from "../state/drafts.js";
import { problemText, requestJson } from "./api.js";

/** Quiet time before the server copy is written (ms): a slider drag is one write, not fifty. */
const SERVER_DELAY_MS = 1500;

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
  async function sendServer(keepalive) {
    if (!unsent) return;
    const body = unsent;
    unsent = null;
    const answer = await requestJson("PUT", url, body, { keepalive });
    if (answer.ok) onStatus(`Draft kept at ${new Date(body.saved_at).toLocaleTimeString()}.`);
    else if (answer.status !== 409) {
      unsent = unsent ?? body; // try again with the next change
      onStatus(`Draft kept in this browser only: ${problemText(answer)}`);
    }
  }

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    sendServer(true);
  }

  const onHide = () => {
    if (document.visibilityState === "hidden") flush();
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", flush);

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
      onStatus(local ? "Draft kept in this browser…" : "Keeping the draft on the server…");
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
    /** Drop both copies (after a save made the edit a revision, or the person discarded it). */
    async discard() {
      if (timer) clearTimeout(timer);
      timer = null;
      unsent = null;
      onStatus("Saved: no draft is kept.");
      try {
        localStorage.removeItem(key);
      } catch {
        // nothing kept locally
      }
      await requestJson("DELETE", url);
    },
    flush,
    destroy() {
      flush();
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", flush);
    },
  };
}
