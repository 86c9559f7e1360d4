// @ts-check
/**
 * The review page's leases, as data (pure, tested under Node): when to renew them, which photos a
 * heartbeat renews, what its answer means, and the "queue flow" marker kept in review URLs.
 *
 * A reviewer in the queue flow holds two leases (queue_services.REVIEW_LEASE each): the photo on
 * screen and the one up next. The page renews both every third of the lease, so one long look never
 * lets either lapse into another reviewer's "next"; an up-next whose lease lapsed anyway (a sleeping
 * laptop) is asked for again before the page opens it. Leaving the page (closing it, opening
 * another) gives back the leases it holds, but that of the photo it opens next, which that photo's
 * page keeps: nobody is looking at the others, and other reviewers' "next" should have them now.
 */

/** The query parameter that marks a review page reached through the queue (Next photo, J, deciding). */
export const QUEUE_FLOW_PARAM = "from=queue";

/**
 * @param {number} leaseSeconds the server's review lease
 * @returns {number} milliseconds between two renewals: a third of the lease, so two may fail
 */
export function heartbeatMs(leaseSeconds) {
  return Math.max(1000, Math.floor((leaseSeconds * 1000) / 3));
}

/**
 * @param {string | null | undefined} until an ISO date-time (the API's `lease_until`)
 * @param {number} nowMs `Date.now()`
 * @returns {boolean} true when there is no lease, or it has passed
 */
export function leaseLapsed(until, nowMs) {
  if (!until) return true;
  const at = Date.parse(until);
  return !Number.isFinite(at) || at <= nowMs;
}

/**
 * @param {{current: number | null, upNext: number | null}} held the photos whose lease the page holds
 * @returns {number[]} the photos a heartbeat renews
 */
export function renewalIds(held) {
  const ids = [held.current, held.upNext].filter((id) => typeof id === "number");
  return [...new Set(ids)];
}

/**
 * @param {{current: number | null, upNext: number | null}} held what the heartbeat asked to renew
 * @param {number[]} renewed the API's answer
 * @returns {{currentLost: boolean, upNextLost: boolean}} leases that are no longer the page's
 */
export function renewalOutcome(held, renewed) {
  return {
    currentLost: held.current !== null && !renewed.includes(held.current),
    upNextLost: held.upNext !== null && !renewed.includes(held.upNext),
  };
}

/** @typedef {{photo: number, lease_until: string}} Lease */

/**
 * @param {{current: {id: number, until: string | null} | null, upNext: {id: number, until: string | null} | null}} held
 *   the page's leases, each with its lease_until as the page was last told it
 * @param {number | null} openingNext the photo the page is opening as it is left (J, deciding, K),
 *   or null when it does not know (closed, reloaded, a link, the queue)
 * @returns {Lease[]} the leases to give back as the page is left: those the next page does not
 *   keep and whose end the page knows (the server ends only a lease lasting until then, so a late
 *   request cannot end a lease taken again since)
 */
export function releaseLeases(held, openingNext) {
  /** @type {Map<number, string>} */
  const leases = new Map();
  for (const lease of [held.current, held.upNext]) {
    if (lease && lease.until && lease.id !== openingNext && !leases.has(lease.id)) leases.set(lease.id, lease.until);
  }
  return [...leases].map(([photo, until]) => ({ photo, lease_until: until }));
}

/**
 * @param {string} query the queue's filters as a query string (no "?"), maybe empty
 * @returns {string} "?<filters>&from=queue": the review URL's query inside the queue flow
 */
export function queueFlowQuery(query) {
  return `?${[query, QUEUE_FLOW_PARAM].filter(Boolean).join("&")}`;
}
