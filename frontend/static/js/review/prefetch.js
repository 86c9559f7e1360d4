// @ts-check
/**
 * Fetch the next photo's images before the reviewer asks for them, so J (and A/F, which move on)
 * open it from the browser cache: its review page, its DZI descriptors, and every tile the viewer
 * loads to show it whole. Tiles are answered with `Cache-Control: immutable`, so they stay cached.
 */

import { fitTileUrls, parseDzi } from "../state/dzi.js";

/**
 * Parallel requests: two of the browser's six per host, so the page's own requests (tiles on a
 * zoom, the API) always find a free connection. It starts only once the viewer is idle (navigation).
 */
export const PARALLEL = 2;

/**
 * @param {string[]} urls
 * @param {AbortSignal} signal
 */
async function fetchAll(urls, signal) {
  let next = 0;
  async function worker() {
    while (next < urls.length && !signal.aborted) {
      const url = urls[next];
      next += 1;
      try {
        const response = await fetch(url, { credentials: "same-origin", signal });
        await response.arrayBuffer();
      } catch {
        return; // aborted or offline: prefetching is only a head start
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/**
 * @param {string} dziUrl
 * @param {{viewWidth: number, viewHeight: number, pixelRatio: number}} view
 * @param {AbortSignal} signal
 * @returns {Promise<string[]>} the tiles fit needs, or none when the descriptor is not there
 */
async function tileUrls(dziUrl, view, signal) {
  try {
    const response = await fetch(dziUrl, { credentials: "same-origin", signal });
    if (!response.ok) return [];
    return fitTileUrls(dziUrl, parseDzi(await response.text()), view);
  } catch {
    return [];
  }
}

/**
 * @param {{reviewUrl: string, dziUrls: string[]}} photo
 * @param {{viewWidth: number, viewHeight: number, pixelRatio: number}} view the viewer's size
 * @returns {{done: Promise<number>, cancel: () => void}} `done` resolves to the number of tiles fetched
 */
export function prefetchPhoto(photo, view) {
  const controller = new AbortController();
  const link = document.createElement("link");
  link.rel = "prefetch";
  link.href = photo.reviewUrl;
  document.head.append(link);
  const done = (async () => {
    const lists = await Promise.all(photo.dziUrls.map((url) => tileUrls(url, view, controller.signal)));
    const urls = lists.flat();
    await fetchAll(urls, controller.signal);
    return urls.length;
  })();
  return { done, cancel: () => controller.abort() };
}
