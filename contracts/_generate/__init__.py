"""Writes the contract files under contracts/<vendor>/<release>/ from the vendor specifications.

Run ``python -m contracts._generate --specs DIR`` with DIR holding the vendor-published
files (see docs/contracts.md). The first release of each vendor is built from those
files plus the selection in ``<vendor>.toml`` (which objects and fields the firm's stacks
rely on; the attributes given there are used only where the vendor file has no answer
and are credited to the vendor documentation page named next to them). Every later
release is the previous one with the documented changes of ``releases.toml`` applied.
"""
