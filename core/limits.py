"""Named limits on input, each with the reason for its number."""

# 100 megapixels: the largest product photos we see are 61 MP (Sony A7R IV / V); 100 MP leaves
# room for medium format while keeping one render's working set (RGB + alpha + RGBA out,
# about 10 bytes/px) near 1 GB on a 2-core, 24 GB worker. Checked from the header, before decoding.
MAX_PIXELS = 100_000_000

# Longest side accepted, so that a 1 x 100M image cannot slip past MAX_PIXELS into
# per-row or per-column buffers that libraries size from one dimension.
MAX_SIDE = 65_535

# Segments in one SVG path. A hand-drawn pen path has tens to a few hundred; a traced chain
# a few thousand. 20,000 keeps parse + flatten under ~50 ms and refuses pathological input.
MAX_PATH_SEGMENTS = 20_000

# Segments in all paths of one recipe together (same reasoning, whole-recipe budget).
MAX_RECIPE_SEGMENTS = 200_000

# Ops in one recipe. An editing session rarely exceeds a few dozen; 500 bounds render time.
MAX_OPS = 500

# Coordinates may lie outside the image (a path can extend past the edge), but not absurdly:
# more than this many image-sizes away is a bug or an attack (1e308 would overflow rasterizers).
MAX_COORD_MAGNITUDE = 1_000_000.0

# Characters of SVG path data in one field (about 20,000 segments written verbosely).
MAX_PATH_DATA_CHARS = 2_000_000
