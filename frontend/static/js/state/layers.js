// @ts-check
/**
 * Names of the images the review viewer can draw: the original, the red quick-mask tint, and the
 * photo's results by key ("cutout" for the AI cutout, "r3" for revision 3's render).
 */

export const ORIGINAL = "original";
export const RED = "red";

/**
 * @param {readonly {key: string, label: string}[]} layers the photo's results
 * @returns {(key: string) => string} the words for a source key
 */
export function sourceLabeller(layers) {
  const labels = new Map(layers.map((layer) => [layer.key, layer.label]));
  return (key) => (key === ORIGINAL ? "the original" : labels.get(key) ?? key);
}

/**
 * The DZI descriptors the review screen opens for a photo as the API describes it (PhotoOutput):
 * its result (the current revision's render once finished, else the AI cutout), then the original.
 * @param {{tiles_url?: string | null, tiles_cutout_url?: string | null, final_url?: string | null,
 *   current_revision_number?: number | null}} photo
 * @returns {string[]}
 */
export function resultDziUrls(photo) {
  const urls = [];
  if (photo.final_url && photo.current_revision_number && photo.tiles_url) {
    urls.push(photo.tiles_url.replace(/original\.dzi$/, `r${photo.current_revision_number}.dzi`));
  } else if (photo.tiles_cutout_url) {
    urls.push(photo.tiles_cutout_url);
  }
  if (photo.tiles_url) urls.push(photo.tiles_url);
  return urls;
}
