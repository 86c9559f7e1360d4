// @ts-check
/**
 * J/K and "next": the trail of photos opened this session (sessionStorage), and the photo after
 * this one, leased from the queue (POST /api/queue/next/) and fetched ahead once the viewer is idle.
 * Deciding a photo or pressing J opens it; K goes back along the trail.
 *
 * Only a page reached through the queue flow (`from=queue`, kept through J and deciding) showing
 * a photo that waits for review leases anything when it opens (config.queue.lease): a manager
 * browsing other lists leases nothing until J. While it holds leases, the page renews them every
 * third of the lease (POST /api/queue/renew/), and asks for a fresh up-next when its lease was lost
 * or has lapsed. Left (closed, reloaded, another page opened), it gives them back (POST
 * /api/queue/release/, a keepalive request), but that of the photo it opens next; back from the
 * browser's back-forward cache, it leases again.
 */

import { EMPTY_TRAIL, trailBack, trailForward, trailParse, trailSerialise, trailVisit } from "../state/trail.js";
import { resultDziUrls } from "../state/layers.js";
import { heartbeatMs, leaseLapsed, queueFlowQuery, releaseLeases, renewalIds, renewalOutcome } from "../state/review_lease.js";
import { postJson, problemText } from "./api.js";
import { prefetchPhoto } from "./prefetch.js";

const TRAIL_KEY = "jewelreview.review-trail";
/** How long a followed link waits for the leases to be given back (ms): the release takes tens. */
const RELEASE_WAIT_MS = 800;

/** @typedef {{id: number, reviewUrl: string, dziUrls: string[], label: string, until: string | null}} UpNext */

/**
 * @param {any} config the page's configuration (review_views.review_config)
 * @param {{onStatus: (message: string) => void, onLease: (lease: any) => void, onUpNext: (next: UpNext | null, waiting: number) => void,
 *   viewSize: () => {viewWidth: number, viewHeight: number, pixelRatio: number}, viewerIdle: Promise<void>}} hooks
 */
export function createNavigation(config, hooks) {
  const photoId = config.photo.id;
  const trail = trailVisit(readTrail(), photoId);
  writeTrail(trail);
  const filters = config.urls.query || "";
  const flowQuery = queueFlowQuery(filters);
  const stayQuery = config.queue.flow ? flowQuery : filters ? `?${filters}` : "";
  const leasing = Boolean(config.queue.lease);
  /** @type {ReturnType<typeof prefetchPhoto> | null} */
  let prefetching = null;
  /** Whether the photo on screen is leased to this reviewer, and until when (as last told). */
  let currentHeld = false;
  /** @type {string | null} */
  let currentUntil = null;
  /** Counts reservations: only the newest one's photo is prefetched. */
  let reservations = 0;
  /** The up-next photo leased by the newest reservation, once its answer came. @type {UpNext | null} */
  let reserved = null;
  /** The photo the page is opening (J, deciding, K), whose lease leaving must not give back. @type {number | null} */
  let openingNext = null;
  /** @type {Promise<UpNext | null> | null} */
  let upNext = leasing ? reserve() : null;
  /** @type {ReturnType<typeof setInterval> | null} */
  const heartbeat = leasing ? setInterval(() => void renew(), heartbeatMs(config.queue.lease_seconds)) : null;

  /** @param {number} id */
  function reviewUrl(id) {
    return `${config.urls.review_base.replace("/0/", `/${id}/`)}${stayQuery}`;
  }

  /** Lease the next photo (and, in the queue flow, keep the one on screen). */
  async function reserve() {
    const reservation = ++reservations;
    const answer = await postJson(config.urls.next, {
      batch: config.queue.batch,
      sku: config.queue.sku || "",
      current: leasing ? photoId : null,
      // Outside the queue flow the photo on screen is not leased, so it must not come back as next.
      skip: leasing ? trail.ids.filter((id) => id !== photoId) : trail.ids,
    });
    if (reservation === reservations) reserved = null;
    if (!answer.ok) {
      hooks.onStatus(`Could not reserve the next photo: ${problemText(answer)}`);
      hooks.onUpNext(null, 0);
      return null;
    }
    if (leasing) {
      currentHeld = Boolean(answer.data.current && answer.data.current.held_by_you);
      currentUntil = currentHeld ? answer.data.current.until : null;
      hooks.onLease(answer.data.current);
    }
    const photo = answer.data.photo;
    prefetching?.cancel();
    prefetching = null;
    if (!photo) {
      hooks.onUpNext(null, answer.data.waiting);
      return null;
    }
    /** @type {UpNext} */
    const next = {
      id: photo.id,
      reviewUrl: `${answer.data.review_url}${flowQuery}`,
      label: `${photo.sku} · ${photo.view}`,
      dziUrls: resultDziUrls(photo),
      until: answer.data.lease_until,
    };
    if (reservation === reservations) reserved = next;
    hooks.onUpNext(next, answer.data.waiting);
    if (leasing) {
      // The photo on screen first: the next one's tiles are asked for once its own have loaded.
      void hooks.viewerIdle.then(() => {
        if (reservation === reservations) prefetching = prefetchPhoto(next, hooks.viewSize());
      });
    }
    return next;
  }
  /** The heartbeat: keep both leases; a lost up-next is replaced. */
  async function renew() {
    const next = upNext ? await upNext : null;
    const held = { current: currentHeld ? photoId : null, upNext: next ? next.id : null };
    const ids = renewalIds(held);
    if (!ids.length) return;
    const answer = await postJson(config.urls.renew, { photos: ids });
    if (!answer.ok) return; // offline for a moment: the next beat tries again, well inside the lease
    const lost = renewalOutcome(held, answer.data.renewed);
    if (next && !lost.upNextLost) next.until = answer.data.lease_until;
    if (held.current !== null && !lost.currentLost) currentUntil = answer.data.lease_until;
    if (lost.currentLost || lost.upNextLost) {
      upNext = reserve();
      await upNext;
    }
  }

  /**
   * Open another page; `photo` is the one it shows, if any, whose lease that page keeps.
   * @param {string} url @param {number | null} photo
   */
  function open(url, photo) {
    openingNext = photo;
    window.location.assign(url);
  }

  /**
   * The page is being left: give back the leases it holds, but the next page's.
   * @returns {Promise<unknown>} the release's answer (or nothing to wait for)
   */
  function leave() {
    const held = { current: currentHeld ? { id: photoId, until: currentUntil } : null, upNext: reserved };
    const leases = releaseLeases(held, openingNext);
    currentHeld = false;
    reserved = null;
    return leases.length ? postJson(config.urls.release, { leases }, { keepalive: true }) : Promise.resolve();
  }
  /**
   * A link of this site followed in this tab: give the leases back first, so the page it opens
   * (the queue's "who is reviewing") no longer shows them; at most RELEASE_WAIT_MS, then go anyway.
   * @param {MouseEvent} event
   */
  function onLinkClick(event) {
    if (!leasing || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, window.location.href);
    const here = window.location;
    if (url.origin !== here.origin || (url.pathname === here.pathname && url.search === here.search)) return; // another site, or this page
    event.preventDefault();
    openingNext = null;
    void Promise.race([leave(), new Promise((done) => setTimeout(done, RELEASE_WAIT_MS))]).then(() => window.location.assign(link.href));
  }
  document.addEventListener("click", onLinkClick);
  /** @param {PageTransitionEvent} event */
  function onPageHide(event) {
    if (leasing) void leave();
    // Kept in the back-forward cache: should it come back, it leases afresh (onPageShow).
    if (!event.persisted) openingNext = null;
  }
  /** @param {PageTransitionEvent} event */
  function onPageShow(event) {
    if (!event.persisted || !leasing) return;
    openingNext = null;
    upNext = reserve();
  }
  window.addEventListener("pagehide", onPageHide);
  window.addEventListener("pageshow", onPageShow);

  /** The up-next photo, asked for again when there is none yet or its lease has passed. */
  async function freshUpNext() {
    let next = upNext ? await upNext : null;
    if (!next || leaseLapsed(next.until, Date.now())) {
      upNext = reserve();
      next = await upNext;
    }
    return next;
  }

  return {
    /** J: forward along the trail when the reviewer went back, else the next photo of the queue. */
    async next() {
      const forward = trailForward(trail);
      if (forward !== null) {
        open(reviewUrl(forward), forward);
        return;
      }
      const next = await freshUpNext();
      if (next) open(next.reviewUrl, next.id);
      else open(config.urls.queue, null);
    },
    /** K: the photo opened before this one. */
    previous() {
      const back = trailBack(trail);
      if (back === null) {
        hooks.onStatus("This is the first photo you opened in this session.");
        return;
      }
      open(reviewUrl(back), back);
    },
    /** After a decision: always the queue's next photo (the trail's forward entries were seen). */
    /** @param {(toPhoto: boolean) => void} [beforeLeaving] told whether a photo (not the queue) opens next */
    async afterDecision(beforeLeaving) {
      const next = await freshUpNext();
      if (beforeLeaving) beforeLeaving(Boolean(next));
      open(next ? next.reviewUrl : config.urls.queue, next ? next.id : null);
    },
    upNext: () => upNext || Promise.resolve(null),
    prefetched: () => (prefetching ? prefetching.done : Promise.resolve(0)),
    destroy() {
      if (heartbeat !== null) clearInterval(heartbeat);
      prefetching?.cancel();
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
    },
  };
}

function readTrail() {
  try {
    return trailParse(window.sessionStorage.getItem(TRAIL_KEY));
  } catch {
    return EMPTY_TRAIL;
  }
}

/** @param {import("../state/trail.js").Trail} trail */
function writeTrail(trail) {
  try {
    window.sessionStorage.setItem(TRAIL_KEY, trailSerialise(trail));
  } catch {
    // Private mode without storage: J/K still work within the queue, K just has no history.
  }
}
