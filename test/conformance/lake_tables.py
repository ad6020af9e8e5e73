"""Aggregates every column of quotelab's lake tables with independent readers (PyIceberg, and DuckDB's
iceberg extension), for the conformance test to compare with quotelab's own reader.

    python lake_tables.py '<json: [{"table": name, "metadata": path, "snapshots": [id, ...]}, ...]>'

Per column: numbers are summed (integers as exact strings), timestamps summed as epoch microseconds,
dates as days, strings counted (non-null and distinct), booleans counted true.
"""

import json
import os
import sys


def column_aggregates_arrow(data):
    import pyarrow as pa
    import pyarrow.compute as pc

    def exact_sum(column):
        # Python integers: sums of microsecond timestamps overflow int64.
        return str(sum(value for value in column.to_pylist() if value is not None))

    out = {"rows": str(data.num_rows)}
    for field in data.schema:
        column = data.column(field.name)
        kind = field.type
        if pa.types.is_timestamp(kind):
            out[field.name] = exact_sum(column.cast(pa.int64()))
        elif pa.types.is_date(kind):
            out[field.name] = exact_sum(column.cast(pa.int32()))
        elif pa.types.is_integer(kind):
            out[field.name] = exact_sum(column)
        elif pa.types.is_floating(kind):
            out[field.name] = pc.sum(column).as_py() or 0.0
        elif pa.types.is_boolean(kind):
            out[field.name] = str(pc.sum(column.cast(pa.int64())).as_py() or 0)
        else:
            out[field.name] = f"{pc.count(column).as_py()}/{len(pc.unique(column.drop_null()))}"
    return out


def duckdb_connection():
    import duckdb

    site = os.path.dirname(os.path.dirname(duckdb.__file__))
    connection = duckdb.connect()
    connection.execute("SET extension_directory = ?", [os.path.join(site, "duckdb_ext", "extensions")])
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("LOAD iceberg")
    return connection


def main():
    requests = json.loads(sys.argv[1])
    from pyiceberg.table import StaticTable

    connection = duckdb_connection()
    report = {"pyiceberg": {}, "duckdb": {}}
    for request in requests:
        table = StaticTable.from_metadata(request["metadata"])
        for snapshot in request["snapshots"]:
            key = f"{request['table']}@{snapshot}"
            report["pyiceberg"][key] = column_aggregates_arrow(table.scan(snapshot_id=int(snapshot)).to_arrow())
            arrow = connection.execute(
                f"SELECT * FROM iceberg_scan(?, snapshot_from_id => {int(snapshot)})", [request["metadata"]]
            ).fetch_arrow_table()
            report["duckdb"][key] = column_aggregates_arrow(arrow)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
