"""Wording shared by the sources of the parameter tables."""

from __future__ import annotations

#: Prefix of a source that is an assumption, followed by why the value was chosen.
ASSUMPTION = "assumption: "

#: The document whose numbered rows (``ref 1.3``) sources cite.
REF = "docs/references/china_svod_economics.md"
