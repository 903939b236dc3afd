"""The bounds of the chemistry core, in a module without RDKit (so a server can check them
before anything is parsed). ``parsing`` and ``depict`` explain them; ``docs/chemistry.md``
lists them for people."""

MAX_TEXT_LENGTH = 5_000
MAX_MOLBLOCK_LENGTH = 500_000
MAX_ATOMS = 1_000
MAX_QUERY_ATOMS = 100

DEFAULT_SIZE = 300
MIN_SIZE = 50
MAX_SIZE = 2_000
MAX_LEGEND_LENGTH = 200

MAX_DRAWN_ATOMS = 500
MAX_DRAWN_RINGS = 100
MAX_DRAWN_FRAGMENTS = 50
"""What a depiction may hold (``depict.check_drawable``). 2D layout time grows with atoms,
with rings (a dense cage of 343 atoms and 756 rings takes seconds) and with fragments, which are
packed pairwise (500 separate atoms take about 1.7 s); within these bounds a drawing takes under
half a second on the reference machine. Drug-like molecules have under 100 atoms, under 10 rings
and a few fragments (a salt); peptides, macrocycles and oligosaccharides of a few hundred atoms
fit."""

DEFAULT_DRAW_SECONDS = 5.0
"""Seconds of computation one drawing may take in a worker before it is stopped."""

WORKER_PRELOAD = ("moiety.core.chem.depict", "moiety.core.chem.identity_workers")
"""What worker processes (forkserver) load before they fork: one forkserver serves a process's
pools, so each pool asks for both."""
