"""Operating a Moiety deployment: backups (:mod:`.backup`), restores (:mod:`.restore`) and the
``moiety doctor`` checks (:mod:`.doctor`).

Plain Python (no tornado); the ``moiety`` command is a thin layer over these modules. Nothing
is imported here, so ``moiety demo`` does not pay for what only the operations need.
"""
