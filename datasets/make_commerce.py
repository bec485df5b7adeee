"""Write module 03's generated commerce data (customers, products, orders, order_items) as CSV or Parquet files.

    python datasets/make_commerce.py OUT_DIR                     # 20,000 orders, seed 42, CSV
    python datasets/make_commerce.py OUT_DIR --orders 5000 --seed 7 --format parquet

The notebooks never need these files: they call backendlab.labs.commerce.generate() directly. This script is for
looking at the data in another tool (a DuckDB shell, a spreadsheet) or loading it into your own database.
"""

from __future__ import annotations

import argparse
import sys
import time

from backendlab.labs import commerce


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", help="folder to write <table>.csv or <table>.parquet into (created if missing)")
    parser.add_argument("--orders", type=int, default=commerce.DEFAULT_ORDERS, help="number of orders (default %(default)s)")
    parser.add_argument("--seed", type=int, default=commerce.DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    data = commerce.generate(n_orders=args.orders, seed=args.seed)
    write = commerce.write_csv if args.format == "csv" else commerce.write_parquet
    paths = write(data, args.out_dir)
    for table, path in paths.items():
        print(f"{path}  {len(data.rows(table)):>7} rows")
    print(f"seed {args.seed}, {args.orders} orders, written in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
