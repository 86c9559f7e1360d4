// @ts-check
/**
 * /dashboard/photos/: what the bulk "Reassign" must check before it is sent. Pure: the page
 * passes the select's value, the value that means "No one", and the statuses of the photos
 * selected.
 */

/**
 * @typedef {{ refuse: string } | { ask: string } | null} ReassignCheck
 *   ``refuse``: do not send, say why; ``ask``: send only if the person confirms; null: send.
 */

/**
 * @param {{ choice: string, noOne: string, statuses: string[] }} input
 * @returns {ReassignCheck}
 */
export function reassignCheck({ choice, noOne, statuses }) {
  if (!choice) return { refuse: 'Choose whom to assign the selected photos to: a person, or "No one" to unassign them.' };
  if (choice !== noOne) return null;
  const inRepair = statuses.filter((status) => status === "in_repair").length;
  if (!inRepair) return null;
  const photos = statuses.length === 1 ? "the selected photo" : `the ${statuses.length} selected photos`;
  const those =
    inRepair === 1
      ? `${statuses.length === 1 ? "It" : "1 of them"} is in repair: unassigning releases its claim, and the retoucher holding it loses it.`
      : `${inRepair === statuses.length ? "All" : inRepair} of them are in repair: unassigning releases their claims, and the retouchers holding them lose them.`;
  return { ask: `Unassign ${photos}? ${those}` };
}
