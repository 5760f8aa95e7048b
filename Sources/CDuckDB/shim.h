// DuckDB's own header, found through the include path Package.swift passes
// (.duckdb/include from `make setup`, or DUCKDB_INCLUDE_DIR).
#include <duckdb.h>
