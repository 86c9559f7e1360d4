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

# Pixel rows crossed by the edges of all paths of one recipe, each edge counted once per row it
# crosses (``PathGeometry.edge_rows``): what rasterizing costs, since both rasterizers visit
# every edge in every row it crosses, and the exact sweep for self-overlapping paths also orders
# them there and follows their crossings. Segment counts do not bound it: 10 zig-zags of 20,000
# edges, each edge 4,000 px tall, cross 800M rows. Measured on the 2-core machine (24 MP canvas):
# 16-50 ns per edge-row for long edges, up to ~190 ns where the edges cross each other thousands
# of times per row (random-walk outlines), so 5M is at most about 1 s of rasterizing. Real
# recipes stay far below: the quality benchmark's heaviest (paths traced round every damaged
# part of a scene) crosses 88,763 rows; 500 regions each round a whole 24 MP image, 4M.
MAX_RECIPE_EDGE_ROWS = 5_000_000

# Ops in one recipe. An editing session rarely exceeds a few dozen; 500 bounds render time.
MAX_OPS = 500

# Coordinates may lie outside the image (a path can extend past the edge), but not absurdly:
# more than this many image-sizes away is a bug or an attack (1e308 would overflow rasterizers).
MAX_COORD_MAGNITUDE = 1_000_000.0

# Characters of SVG path data in one field (about 20,000 segments written verbosely).
MAX_PATH_DATA_CHARS = 2_000_000
