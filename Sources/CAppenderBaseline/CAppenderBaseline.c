// The reference the Swift wrapper is measured against: the benchmark's append loop written
// directly against DuckDB's C API, with the same rows as DuckDBBenchmark generates.
#include "CAppenderBaseline.h"

#include <duckdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const SYMBOLS[] = {"AAPL", "MSFT", "NVDA", "BTC-USD", "ETH-USD", "EURUSD", "ES.FUT", "TSLA"};
static const int64_t BASE_MICROS = 1767225600000000LL; // 2026-01-01T00:00:00Z

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double tw_c_append_rows(const char *path, const char *table_name, int64_t rows, char *error, int error_size) {
    duckdb_database db = NULL;
    duckdb_connection con = NULL;
    duckdb_appender appender = NULL;
    double elapsed = -1;
    size_t symbol_lengths[8];
    for (int i = 0; i < 8; i++) symbol_lengths[i] = strlen(SYMBOLS[i]);

    if (duckdb_open(path, &db) != DuckDBSuccess || duckdb_connect(db, &con) != DuckDBSuccess) {
        snprintf(error, error_size, "cannot open %s", path);
        goto done;
    }
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE OR REPLACE TABLE %s (ts TIMESTAMP, symbol VARCHAR, price DOUBLE, qty DOUBLE)",
             table_name);
    if (duckdb_query(con, sql, NULL) != DuckDBSuccess) {
        snprintf(error, error_size, "cannot create table %s", table_name);
        goto done;
    }
    double start = now_seconds();
    if (duckdb_appender_create(con, NULL, table_name, &appender) != DuckDBSuccess) {
        snprintf(error, error_size, "cannot create appender");
        goto done;
    }
    for (int64_t i = 0; i < rows; i++) {
        int symbol = (int)(i % 8);
        duckdb_timestamp ts = {BASE_MICROS + i * 1000};
        if (duckdb_append_timestamp(appender, ts) != DuckDBSuccess ||
            duckdb_append_varchar_length(appender, SYMBOLS[symbol], symbol_lengths[symbol]) != DuckDBSuccess ||
            duckdb_append_double(appender, 100.0 + (double)(i % 1000) * 0.01) != DuckDBSuccess ||
            duckdb_append_double(appender, (double)(i % 100 + 1)) != DuckDBSuccess ||
            duckdb_appender_end_row(appender) != DuckDBSuccess) {
            snprintf(error, error_size, "append failed at row %lld: %s", (long long)i, duckdb_appender_error(appender));
            goto done;
        }
    }
    if (duckdb_appender_close(appender) != DuckDBSuccess) {
        snprintf(error, error_size, "close failed: %s", duckdb_appender_error(appender));
        goto done;
    }
    elapsed = now_seconds() - start;
done:
    if (appender) duckdb_appender_destroy(&appender);
    if (con) duckdb_disconnect(&con);
    if (db) duckdb_close(&db);
    return elapsed;
}
