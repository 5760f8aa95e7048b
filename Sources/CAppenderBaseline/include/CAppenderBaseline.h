#ifndef TRADEWATCH_C_APPENDER_BASELINE_H
#define TRADEWATCH_C_APPENDER_BASELINE_H

#include <stdint.h>

/// Appends `rows` rows of (ts TIMESTAMP, symbol VARCHAR, price DOUBLE, qty DOUBLE) to a new table
/// `table_name` in the DuckDB file at `path`, with DuckDB's C appender, and returns the seconds
/// spent appending and closing the appender (table creation excluded), or a negative number on
/// error (the message is written to `error`, at most `error_size` bytes).
double tw_c_append_rows(const char *path, const char *table_name, int64_t rows, char *error, int error_size);

#endif
