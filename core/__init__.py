"""jewelreview core: repair AI background-removal masks of jewelry photos.

Pure image library: arrays in, arrays out (numpy, OpenCV, svgpathtools). Bytes are read and
written only by :mod:`core.codecs`. Never imports Django.

Modules: :mod:`core.recipe` (the edit, validated), :mod:`core.render` (orchestration),
:mod:`core.apply` (one op on a window), :mod:`core.refine`, :mod:`core.geometry` and
:mod:`core.rasterize` (vector paths), :mod:`core.channels`, :mod:`core.matte`,
:mod:`core.decontaminate`, :mod:`core.autobase`, :mod:`core.codecs`, :mod:`core.metrics`.
"""

from core.version import ENGINE_VERSION

__version__ = ENGINE_VERSION
