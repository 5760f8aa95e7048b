#!/usr/bin/env python3
"""How much CPU DuckDB's storage alone takes per ingested row, on this machine.

No HTTP, no parsing: rows are generated inside the engine (INSERT ... SELECT ... FROM range),
in 20,000-row transactions (the most one group commit holds with the ingest benchmark's 4
connections of 5,000 lines), into a database file with its write-ahead log, checkpointed every
600,000 rows as the server does under full load. One DuckDB thread; CPU time of the process,
less the time the same SELECTs take without storing. Variants:

  trades      the trades table as Tradewatch stores it (9 columns, trade_id and labels NULL)
  core        its first 5 columns only (ts, symbol, venue, price, qty)
  hot-tier    trades appended to an in-memory table (no write-ahead log) and moved into the
              file in 240,000-row transactions (DuckDB writes those row groups straight to the
              file): a design where an own log, not DuckDB's, makes commits durable

Run: .build-venv/bin/python scripts/duckdb-storage-floor.py [rows]   (the venv of scripts/client-tests.sh)
"""
import os
import resource
import shutil
import sys
import tempfile

import duckdb

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
BATCH = 20_000
TRADES = ("ts TIMESTAMP_NS NOT NULL, symbol VARCHAR NOT NULL, venue VARCHAR, price DOUBLE NOT NULL, "
          "qty DOUBLE NOT NULL, side VARCHAR, trade_id VARCHAR, labels JSON, commit_seq BIGINT")
TRADES_SELECT = ("make_timestamp_ns(1767225600000000000 + ({o} + i) * 1000000), 'SYM' || ((i * 7919) % 200), "
                 "'V' || (i % 4), 100 + ((i * 31) % 1000) * 0.01, (i % 100) + 1, "
                 "CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, NULL, NULL, {seq}")
CORE = "ts TIMESTAMP_NS NOT NULL, symbol VARCHAR NOT NULL, venue VARCHAR, price DOUBLE NOT NULL, qty DOUBLE NOT NULL"
CORE_SELECT = ("make_timestamp_ns(1767225600000000000 + ({o} + i) * 1000000), 'SYM' || ((i * 7919) % 200), "
               "'V' || (i % 4), 100 + ((i * 31) % 1000) * 0.01, (i % 100) + 1")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def generation_cost(select):
    connection = duckdb.connect(":memory:", config={"threads": 1})
    start = cpu_seconds()
    for batch in range(ROWS // BATCH):
        sql = select.format(o=batch * BATCH, seq=batch)
        connection.execute(f"SELECT count(*) FROM (SELECT {sql} FROM range({BATCH}) t(i))").fetchone()
    return cpu_seconds() - start


def run(name, columns, select, hot_tier=False):
    folder = tempfile.mkdtemp(prefix="tradewatch-floor-")
    connection = duckdb.connect(os.path.join(folder, "floor.duckdb"), config={"threads": 1})
    connection.execute(f"CREATE TABLE t ({columns})")
    if hot_tier:
        connection.execute("ATTACH ':memory:' AS mem")
        connection.execute(f"CREATE TABLE mem.t ({columns})")
    connection.execute("CHECKPOINT")
    start = cpu_seconds()
    for batch in range(ROWS // BATCH):
        sql = select.format(o=batch * BATCH, seq=batch)
        if hot_tier:
            connection.execute(f"INSERT INTO mem.t SELECT {sql} FROM range({BATCH}) t(i)")
            if batch % 12 == 11:
                connection.execute("INSERT INTO t SELECT * FROM mem.t")
                connection.execute("DELETE FROM mem.t")
        else:
            connection.execute(f"INSERT INTO t SELECT {sql} FROM range({BATCH}) t(i)")
        if batch % 30 == 29:
            connection.execute("CHECKPOINT")
    if hot_tier:
        connection.execute("INSERT INTO t SELECT * FROM mem.t")
    connection.execute("CHECKPOINT")
    spent = cpu_seconds() - start - generation_cost(select)
    stored = connection.execute("SELECT count(*) FROM t").fetchone()[0]
    connection.close()
    shutil.rmtree(folder)
    assert stored == ROWS // BATCH * BATCH, f"{name}: {stored} rows stored"
    print(f"{name:10} {spent / stored * 1e6:6.3f} us of CPU per row, {stored / spent / 1e6:5.2f}M rows per CPU-second",
          flush=True)


print(f"duckdb {duckdb.__version__}, {ROWS} rows in {BATCH}-row transactions, 1 thread, {os.cpu_count()} cores")
run("trades", TRADES, TRADES_SELECT)
run("core", CORE, CORE_SELECT)
run("hot-tier", TRADES, TRADES_SELECT, hot_tier=True)
