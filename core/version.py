"""The engine version written into every render's provenance. Bump when output pixels or detection
results change: stored auto-fix proposals (``Photo.autofix_proposal``) are keyed on it.
tests/core/test_engine_version.py pins detection and proposals to a fingerprint per version.

0.2.0: ``recover`` ops take the photo's colour and line evidence (core.recover_evidence).
0.2.1: the matting solve numbers its unknowns in reverse Cuthill-McKee order and cuts tiles to
their unknowns' bounds: ``matte`` and ``recover`` pixels may differ by about one level.
0.2.2: ``recover`` refuses raised groups of the background's colours (core.recover_evidence).
0.2.3: detection's strand search refuses them too; both refuse only groups that are unlike the
object and like the background (a second metal is neither).
0.2.4: the matting system is built for the unknown pixels only and solved exactly (LDL^T) instead
of by preconditioned conjugate gradients stopped at a tolerance: ``matte`` and ``recover``
pixels and strand boxes may differ where the old solve had not converged.
0.2.5: auto-fix's ``recover`` ops follow the lines that leave their band (``follow``: 32 px).
0.2.6: the sweep that draws self-overlapping paths (core.rasterize_sweep) rounds an exact half
level up, as the numpy pass always has (it rounded down where its sum landed a hair below, and
a crop's sum can land on the other side of the full render's); which of the two draws a path is
decided from the whole path, not per window: pixels of self-overlapping paths may go up by one
level, and so may a few of paths the whole-path decision now gives to the sweep (1 pixel in 40
far-reaching star polygons measured); ordinary outlines are unchanged (pinned by a digest test).
0.2.7: ``refine`` feathers of 64 px and more blur on a grid of cells anchored at the image's
origin (core.refine): within 3 levels of the full-resolution blur, at a cost that no longer
grows with the feather (feather 250 on 24 MP: 9.0 -> 0.2 s).
0.2.8: ``recover`` gives the lines the solve shows but underrates (a twig fading towards the
background it is pinned to) their alpha unmixed from the wall beside them (step 7 of
core.recover): a recover op raises pixels along such lines (an auto-fix result may also differ
by a few levels where later ops act on them). Detection's strand
search runs on masks whose openness is under 0.05 (was 0.03: masks that kept a few stretches of
their lost strands got none).
0.2.9: step 7 of ``recover`` also takes the lines only the photo shows (the solve shows them
nowhere, or no longer, farther along a followed twig) where they unmix to 0.5 or more, judged as
groups of their own whose colour must lean to the object: a recover op may raise pixels along
such lines. tests/core/test_engine_version.py pins a recover op's pixels from this version on.
"""

ENGINE_VERSION = "0.2.9"
