"""Does an ART index on ts pay off for time-range queries on a Tradewatch-shaped metrics table?

Uses DuckDB 2.0.1 through its Python package (the same engine the server links). Run with
`make bench-index`, which installs the already-fetched wheel into .duckdb/python first.
"""
import os
import statistics
import tempfile
import time

import duckdb

p=os.path.join(tempfile.mkdtemp(), 'index_bench.duckdb')
for f in [p, p+'.wal']:
    if os.path.exists(f): os.remove(f)
c=duckdb.connect(p, config={'threads': 2, 'memory_limit': '512MB'})
N=10_000_000
t=time.time()
c.execute(f"""CREATE TABLE metrics AS SELECT
  TIMESTAMP_NS '2026-01-01' + to_microseconds(i * 100000) AS ts,   -- 100 ms apart: ~11.6 days
  'order.latency_us' AS name, ['AAPL','MSFT','NVDA','TSLA'][(i % 4) + 1] AS symbol, random() * 1000 AS value, NULL::JSON AS labels
  FROM range({N}) t(i)""")
c.execute("CHECKPOINT")
print(f"loaded {N} rows in {time.time()-t:.1f}s")
queries = {
 "1 minute window": "SELECT count(*), avg(value) FROM metrics WHERE ts >= TIMESTAMP_NS '2026-01-05 12:00:00' AND ts < TIMESTAMP_NS '2026-01-05 12:01:00'",
 "1 hour window, one symbol": "SELECT count(*), avg(value) FROM metrics WHERE symbol = 'AAPL' AND ts >= TIMESTAMP_NS '2026-01-05 12:00:00' AND ts < TIMESTAMP_NS '2026-01-05 13:00:00'",
 "full scan": "SELECT count(*), avg(value) FROM metrics",
}
def run(label):
    for name, q in queries.items():
        times=[]
        for _ in range(7):
            t=time.perf_counter(); c.execute(q).fetchall(); times.append((time.perf_counter()-t)*1000)
        print(f"{label:12s} {name:28s} median {statistics.median(times):8.2f} ms")
run("zone maps")
t=time.time(); c.execute("CREATE INDEX metrics_ts ON metrics(ts)"); print(f"CREATE INDEX on ts: {time.time()-t:.1f}s")
c.execute("CHECKPOINT")
run("ART on ts")
print("file size with index", os.path.getsize(p))
c.execute("DROP INDEX metrics_ts"); c.execute("CHECKPOINT")
print("file size without index", os.path.getsize(p))
