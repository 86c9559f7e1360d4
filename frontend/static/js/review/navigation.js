// @ts-check
/**
 * J/K and "next": the trail of photos opened this session (sessionStorage), and the photo after
 * this one, leased from the queue as soon as the page opens (POST /api/queue/next/) and fetched
 * ahead. Deciding a photo or pressing J opens it; K goes back along the trail.
 */

import { EMPTY_TRAIL, trailBack, trailForward, trailParse, trailSerialise, trailVisit } from "../state/trail.js";
import { resultDziUrls } from "../state/layers.js";
import { postJson, problemText } from "./api.js";
import { prefetchPhoto } from "./prefetch.js";

const TRAIL_KEY = "jewelreview.review-trail";

/** @typedef {{id: number, reviewUrl: string, dziUrls: string[], label: string}} UpNext */

/**
 * @param {any} config the page's configuration (review_views.review_config)
 * @param {{onStatus: (message: string) => void, onLease: (lease: any) => void, onUpNext: (next: UpNext | null, waiting: number) => void,
 *   viewSize: () => {viewWidth: number, viewHeight: number, pixelRatio: number}}} hooks
 */
export function createNavigation(config, hooks) {
  const photoId = config.photo.id;
  const trail = trailVisit(readTrail(), photoId);
  writeTrail(trail);
  const query = config.urls.query ? `?${config.urls.query}` : "";
  /** @type {ReturnType<typeof prefetchPhoto> | null} */
  let prefetching = null;

  /** @param {number} id */
  function reviewUrl(id) {
    return `${config.urls.review_base.replace("/0/", `/${id}/`)}${query}`;
  }

  const upNext = (async () => {
    const answer = await postJson(config.urls.next, {
      batch: config.queue.batch,
      sku: config.queue.sku || "",
      current: photoId,
      skip: trail.ids.filter((id) => id !== photoId),
    });
    if (!answer.ok) {
      hooks.onStatus(`Could not reserve the next photo: ${problemText(answer)}`);
      hooks.onUpNext(null, 0);
      return null;
    }
    hooks.onLease(answer.data.current);
    const photo = answer.data.photo;
    if (!photo) {
      hooks.onUpNext(null, answer.data.waiting);
      return null;
    }
    /** @type {UpNext} */
    const next = {
      id: photo.id,
      reviewUrl: `${answer.data.review_url}${query}`,
      label: `${photo.sku} · ${photo.view}`,
      dziUrls: resultDziUrls(photo),
    };
    prefetching = prefetchPhoto(next, hooks.viewSize());
    hooks.onUpNext(next, answer.data.waiting);
    return next;
  })();

  return {
    /** J: forward along the trail when the reviewer went back, else the next photo of the queue. */
    async next() {
      const forward = trailForward(trail);
      if (forward !== null) {
        window.location.assign(reviewUrl(forward));
        return;
      }
      const next = await upNext;
      if (next) window.location.assign(next.reviewUrl);
      else window.location.assign(config.urls.queue);
    },
    /** K: the photo opened before this one. */
    previous() {
      const back = trailBack(trail);
      if (back === null) {
        hooks.onStatus("This is the first photo you opened in this session.");
        return;
      }
      window.location.assign(reviewUrl(back));
    },
    /** After a decision: always the queue's next photo (the trail's forward entries were seen). */
    async afterDecision() {
      const next = await upNext;
      window.location.assign(next ? next.reviewUrl : config.urls.queue);
    },
    upNext: () => upNext,
    prefetched: () => (prefetching ? prefetching.done : Promise.resolve(0)),
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
