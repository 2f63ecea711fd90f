"""The producer process of a bulk load: `python -m casebook.demo.producer URL SEED END INCIDENTS
BATCH_SIZE` writes prepared batches to stdout as pickles, then None. Started and read by
casebook.demo.bulk; not meant to be run by hand."""

from __future__ import annotations

import gc
import pickle
import sys
from datetime import date

from sqlalchemy import create_engine

from casebook.demo.bulk import Writer, prepared_batches


def main(argv: list[str]) -> None:
    url, seed, end, incidents, size = argv
    gc.disable()  # see casebook.demo.bulk.seed_bulk
    writer = Writer(create_engine(url).dialect)
    out = sys.stdout.buffer
    for batch in prepared_batches(
        writer, int(seed), date.fromisoformat(end), int(incidents), int(size)
    ):
        pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(None, out)
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
