// @ts-check
/**
 * The editor header's words for its revisions (pure, tested under Node): normally the revision
 * the editor holds, which is the current one; after a save that raced another, both, since the
 * editor then holds the retoucher's edit (kept as a side revision) while someone else's is current.
 */

/**
 * @param {{current: number | null, editing?: number | null, conflict?: boolean}} revisions revision
 *   numbers: `current` the photo's current one, `editing` the one the editor holds after a
 *   conflict (null: not known, the revision list did not load); none yet when `current` is null
 * @returns {string} the header's text after the photo's size (" · revision 3"), maybe empty
 */
export function revisionHeading({ current, editing = null, conflict = false }) {
  if (!conflict) return current === null ? "" : ` · revision ${current}`;
  const yours = editing === null ? "editing your edit, kept as a revision" : `editing your revision ${editing}`;
  const theirs = current === null ? "a newer one is current" : `revision ${current} is current`;
  return ` · ${yours} · ${theirs}`;
}
