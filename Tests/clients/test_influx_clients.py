"""The official InfluxDB Python clients write to a real `tradewatch serve`.

Each test starts the binary named by TRADEWATCH_BIN on a free port with a fresh data directory,
writes with a client, stops the server with SIGTERM (it commits and checkpoints), then reads the
rows back from analytics.duckdb with DuckDB's Python package.
"""

import json
import os
import re
import signal
import subprocess
import time
from datetime import datetime, timezone

import duckdb
import influxdb
import influxdb_client
import pytest
from influxdb.exceptions import InfluxDBClientError
from influxdb_client import Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.rest import ApiException

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(REPOSITORY, os.environ.get("TRADEWATCH_BIN", ".build/debug/tradewatch"))
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
T0 = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z in nanoseconds


class Server:
    """A running `tradewatch serve`, its output in files of the test's temporary folder."""

    def __init__(self, folder):
        self.data = str(folder / "data")
        self.stdout_path = folder / "stdout.txt"
        self.stderr_path = folder / "stderr.txt"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            # The system collector stays off: the tests count the rows they wrote.
            environment = dict(os.environ, TRADEWATCH_SYSTEM_INTERVAL="0")
            self.process = subprocess.Popen(
                [BINARY, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=environment)
        self.port = self._wait_for_port(timeout=30)
        self.url = f"http://127.0.0.1:{self.port}"

    def _wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = LISTENING.search(self.stdout_path.read_text())
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.stderr_path.read_text()}")
            time.sleep(0.05)
        raise RuntimeError(f"server did not report listening within {timeout} s: {self.stdout_path.read_text()}")

    def stop(self):
        """SIGTERM, then requires a clean exit: everything acknowledged is committed."""
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        assert status == 0, self.stderr_path.read_text()

    def kill_if_running(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def query(self, sql):
        """Rows from the stopped server's DuckDB file."""
        connection = duckdb.connect(os.path.join(self.data, "analytics.duckdb"), read_only=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    try:
        yield running
    finally:
        running.kill_if_running()


def test_influxdb_1x_client_writes_trades_and_metrics_with_precisions(server):
    client = influxdb.InfluxDBClient(host="127.0.0.1", port=server.port, username="u", password="p", database="db")
    try:
        assert client.write_points([
            {"measurement": "trades", "time": T0 // 1_000_000 + 123,
             "tags": {"symbol": "AAPL", "venue": "XNAS", "side": "buy", "trade_id": "t-1", "desk": "equities"},
             "fields": {"price": 187.25, "qty": 100, "note": "opening"}},
            {"measurement": "order_latency", "time": T0 // 1_000_000 + 124,
             "tags": {"symbol": "AAPL", "strategy": "mm"}, "fields": {"p50": 120, "p99": 480.5}},
        ], time_precision="ms", retention_policy="autogen")
        # A datetime converted by the client at microsecond precision; "value" names the metric itself.
        assert client.write_points([
            {"measurement": "fill_ratio", "time": datetime(2026, 1, 1, 0, 0, 1, 654321, tzinfo=timezone.utc),
             "tags": {"strategy": "mm"}, "fields": {"value": 0.75, "ok": True}},
        ], time_precision="u")
        # Whole hours and explicit nanoseconds, the 1.x-only spellings.
        assert client.write_points([{"measurement": "heartbeat", "time": T0 // 3_600_000_000_000 + 1,
                                     "fields": {"value": 1}}], time_precision="h")
        assert client.write_points([{"measurement": "heartbeat", "time": T0 + 5, "fields": {"value": 2}}],
                                   time_precision="n")
        # Raw lines without a precision: nanoseconds.
        assert client.write_points(["trades,symbol=MSFT price=410.5,qty=3i,trade_id=\"t-2\" %d" % (T0 + 7)],
                                   protocol="line")

        with pytest.raises(InfluxDBClientError) as failure:
            client.write_points(["cpu value=1", "cpu value=oops"], protocol="line")
        assert failure.value.code == 400
        error = json.loads(failure.value.content)
        assert error["code"] == "invalid"
        assert error["message"].startswith("line 2"), error
    finally:
        client.close()
    server.stop()

    assert server.query(
        "SELECT epoch_ns(ts), symbol, venue, side, trade_id, price, qty, labels::VARCHAR FROM trades ORDER BY ts"
    ) == [
        (T0 + 7, "MSFT", None, None, "t-2", 410.5, 3.0, None),
        (T0 + 123_000_000, "AAPL", "XNAS", "buy", "t-1", 187.25, 100.0, '{"desk":"equities","note":"opening"}'),
    ]
    metrics = server.query("SELECT epoch_ns(ts), name, symbol, value, labels::VARCHAR FROM metrics ORDER BY ts, name")
    assert metrics == [
        (T0 + 5, "heartbeat", None, 2.0, None),
        (T0 + 124_000_000, "order_latency.p50", "AAPL", 120.0, '{"strategy":"mm"}'),
        (T0 + 124_000_000, "order_latency.p99", "AAPL", 480.5, '{"strategy":"mm"}'),
        (T0 + 1_654_321_000, "fill_ratio", None, 0.75, '{"strategy":"mm"}'),
        (T0 + 1_654_321_000, "fill_ratio.ok", None, 1.0, '{"strategy":"mm"}'),
        (T0 + 3_600_000_000_000, "heartbeat", None, 1.0, None),
    ]  # and nothing of the rejected request


def test_influxdb_2x_client_writes_points_and_raw_lines_plain_and_gzipped(server):
    plain = influxdb_client.InfluxDBClient(url=server.url, token="x", org="o")
    zipped = influxdb_client.InfluxDBClient(url=server.url, token="x", org="o", enable_gzip=True)
    try:
        writer = plain.write_api(write_options=SYNCHRONOUS)
        writer.write(bucket="b", record=[
            Point("trades").tag("symbol", "NVDA").tag("venue", "XNAS").tag("side", "sell").tag("trade_id", "t-10")
            .field("price", 135.5).field("qty", 40).time(T0 + 10, WritePrecision.NS),
            Point("spread_bps").tag("symbol", "NVDA").field("value", 1.5).time(T0 + 11, WritePrecision.NS),
            Point("spread_bps").tag("symbol", "NVDA").field("value", 2.5).time(T0 // 1_000_000 + 12, WritePrecision.MS),
        ])
        writer.write(bucket="b", org="other", write_precision=WritePrecision.S,
                     record="trades,symbol=TSLA,venue=BATS,trade_id=t-11 price=250,qty=2 1767225602")
        zipped.write_api(write_options=SYNCHRONOUS).write(bucket="b", write_precision=WritePrecision.US, record=[
            Point("trades").tag("symbol", "AMD").tag("trade_id", "t-%d" % i).field("price", 100.0 + i)
            .field("qty", i + 1).time(1_767_225_603_000_000 + i, WritePrecision.US)
            for i in range(1000)
        ])

        with pytest.raises(ApiException) as failure:
            writer.write(bucket="b", record="trades,symbol=AAPL price=1.0,qty=1\ntrades,symbol=AAPL qty=5")
        assert failure.value.status == 400
        assert failure.value.message.startswith("line 2"), failure.value.message
        assert "price" in failure.value.message, failure.value.message
        with pytest.raises(ApiException) as gzipped_failure:
            zipped.write_api(write_options=SYNCHRONOUS).write(bucket="b", record="cpu value=oops")
        assert gzipped_failure.value.status == 400
        assert gzipped_failure.value.message.startswith("line 1"), gzipped_failure.value.message
    finally:
        plain.close()
        zipped.close()
    server.stop()

    assert server.query(
        "SELECT epoch_ns(ts), symbol, venue, side, trade_id, price, qty FROM trades WHERE symbol <> 'AMD' ORDER BY ts"
    ) == [
        (T0 + 10, "NVDA", "XNAS", "sell", "t-10", 135.5, 40.0),
        (T0 + 2_000_000_000, "TSLA", "BATS", None, "t-11", 250.0, 2.0),
    ]
    assert server.query(
        "SELECT count(*), count(DISTINCT trade_id), min(epoch_ns(ts)), max(epoch_ns(ts)), sum(qty), max(price)"
        " FROM trades WHERE symbol = 'AMD'"
    ) == [(1000, 1000, T0 + 3_000_000_000, T0 + 3_000_999_000, 500_500.0, 1099.0)]
    assert server.query("SELECT epoch_ns(ts), name, symbol, value, labels FROM metrics ORDER BY ts") == [
        (T0 + 11, "spread_bps", "NVDA", 1.5, None),
        (T0 + 12_000_000, "spread_bps", "NVDA", 2.5, None),
    ]
    assert server.query("SELECT count(*) FROM trades WHERE symbol = 'AAPL'") == [(0,)]


def test_influxdb_2x_client_writes_multi_line_log_messages(server):
    """influxdb-client escapes only quotes and backslashes in string fields, so a stack trace goes
    out with its line breaks inside the quotes, as InfluxDB reads it: the message is kept whole."""
    trace = 'Traceback (most recent call last):\n  File "router.py", line 12\r\nValueError: price band'
    client = influxdb_client.InfluxDBClient(url=server.url, token="x", org="o")
    try:
        client.write_api(write_options=SYNCHRONOUS).write(bucket="b", record=[
            Point("logs").tag("level", "error").tag("service", "router").field("message", trace)
            .field("order_id", "o-7").time(T0 + 1, WritePrecision.NS),
            Point("logs").tag("level", "info").field("message", "next").time(T0 + 2, WritePrecision.NS),
        ])
    finally:
        client.close()
    server.stop()

    assert server.query("SELECT epoch_ns(ts), level, service, message, attributes FROM logs ORDER BY ts") == [
        (T0 + 1, "error", "router", trace, '{"order_id":"o-7"}'),
        (T0 + 2, "info", None, "next", None),
    ]
