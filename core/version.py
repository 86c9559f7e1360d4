"""The engine version written into every render's provenance. Bump when output pixels or detection
results change: stored auto-fix proposals (``Photo.autofix_proposal``) are keyed on it.

0.2.0: ``recover`` ops take the photo's colour and line evidence (core.recover_evidence).
"""

ENGINE_VERSION = "0.2.0"
