"""The bounds of the chemistry core, in a module without RDKit (so a server can check them
before anything is parsed). ``parsing`` and ``depict`` explain them."""

MAX_TEXT_LENGTH = 5_000
MAX_MOLBLOCK_LENGTH = 500_000
MAX_ATOMS = 1_000
MAX_QUERY_ATOMS = 100

DEFAULT_SIZE = 300
MIN_SIZE = 50
MAX_SIZE = 2_000
MAX_LEGEND_LENGTH = 200

WORKER_PRELOAD = ("moiety.core.chem.depict", "moiety.core.chem.identity_workers")
"""What worker processes (forkserver) load before they fork: one forkserver serves a process's
pools, so each pool asks for both."""
