// @ts-check
/**
 * Deep Zoom (DZI) arithmetic, as core/tiles.py writes pyramids and OpenSeadragon reads them:
 * level L of a W x H image is ceil(W / 2^(top-L)) x ceil(H / 2^(top-L)), top = ceil(log2(max(W, H))),
 * tiles at `<name>_files/<level>/<col>_<row>.<format>`. Used to fetch the next photo's tiles ahead.
 */

/** @typedef {{width: number, height: number, tileSize: number, overlap: number, format: string}} Dzi */

/**
 * @param {string} xml a .dzi descriptor
 * @returns {Dzi}
 */
export function parseDzi(xml) {
  /** @param {string} name */
  const attribute = (name) => {
    const match = new RegExp(`\\b${name}="([^"]*)"`).exec(xml);
    if (!match) throw new Error(`DZI descriptor without ${name}`);
    return match[1];
  };
  const dzi = {
    width: Number(attribute("Width")),
    height: Number(attribute("Height")),
    tileSize: Number(attribute("TileSize")),
    overlap: Number(attribute("Overlap")),
    format: attribute("Format"),
  };
  for (const key of /** @type {const} */ (["width", "height", "tileSize", "overlap"])) {
    if (!Number.isInteger(dzi[key]) || dzi[key] < 0) throw new Error(`DZI ${key} is not a whole number`);
  }
  if (dzi.width < 1 || dzi.height < 1 || dzi.tileSize < 1) throw new Error("DZI size must be at least 1");
  return dzi;
}

/** @param {number} width @param {number} height */
export function topLevel(width, height) {
  return Math.ceil(Math.log2(Math.max(width, height)));
}

/** @param {number} width @param {number} height @param {number} level */
export function levelSize(width, height, level) {
  const scale = 2 ** (topLevel(width, height) - level);
  return { width: Math.ceil(width / scale), height: Math.ceil(height / scale) };
}

/**
 * The lowest level whose pixels are at least as fine as the screen's at `imageZoom`
 * (screen pixels per image pixel, device pixels included).
 * @param {Dzi} dzi @param {number} imageZoom
 */
export function levelForImageZoom(dzi, imageZoom) {
  const top = topLevel(dzi.width, dzi.height);
  const level = top + Math.ceil(Math.log2(Math.max(imageZoom, 1e-9)) - 1e-9);
  return Math.min(top, Math.max(0, level));
}

/** @param {string} dziUrl */
export function tilesFolder(dziUrl) {
  return dziUrl.replace(/\.dzi$/, "_files");
}

/**
 * Every tile URL of `level`.
 * @param {string} dziUrl @param {Dzi} dzi @param {number} level
 */
export function levelTileUrls(dziUrl, dzi, level) {
  const size = levelSize(dzi.width, dzi.height, level);
  const columns = Math.ceil(size.width / dzi.tileSize);
  const rows = Math.ceil(size.height / dzi.tileSize);
  const folder = tilesFolder(dziUrl);
  const urls = [];
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < columns; col += 1) urls.push(`${folder}/${level}/${col}_${row}.${dzi.format}`);
  }
  return urls;
}

/**
 * The tiles a viewer of `viewWidth x viewHeight` CSS pixels loads to show the whole photo (fit):
 * every level up to the one fit needs, coarsest first.
 * @param {string} dziUrl @param {Dzi} dzi
 * @param {{viewWidth: number, viewHeight: number, pixelRatio?: number}} view
 */
export function fitTileUrls(dziUrl, dzi, view) {
  const fit = Math.min(view.viewWidth / dzi.width, view.viewHeight / dzi.height) * (view.pixelRatio ?? 1);
  const needed = levelForImageZoom(dzi, fit);
  const urls = [];
  for (let level = 0; level <= needed; level += 1) urls.push(...levelTileUrls(dziUrl, dzi, level));
  return urls;
}
