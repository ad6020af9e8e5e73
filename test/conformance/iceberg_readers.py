"""Reads an Iceberg table that quotelab wrote in TypeScript with independent readers, and prints, per
snapshot and per reader, the aggregates the conformance test compares with quotelab's own reader.

    python iceberg_readers.py <metadata.json path> <snapshot id>...

Readers: PyIceberg (StaticTable on the metadata file) and DuckDB's iceberg extension, loaded from the
duckdb-ext-iceberg / duckdb-ext-avro wheels so nothing is downloaded. Integers are printed as strings
(sums of microsecond timestamps exceed 2^53). Warnings the readers emit are collected, not hidden.
"""

import json
import os
import sys
import warnings


def aggregates_pyiceberg(table, snapshot_id):
    import pyarrow.compute as pc

    scan = table.scan(snapshot_id=snapshot_id)
    data = scan.to_arrow()
    side = data.column("side")

    def total(name, cast=None):
        column = data.column(name)
        if cast is not None:
            column = column.cast(cast)
        value = pc.sum(column).as_py()
        return value if value is not None else 0

    days = data.column("trade_date").cast("int32")
    buys = table.scan(snapshot_id=snapshot_id, row_filter="side == 'B'")
    return {
        "rows": str(data.num_rows),
        "files": str(len(list(scan.plan_files()))),
        "sum_price": total("price"),
        "sum_contracts": str(total("contracts")),
        "sum_tcnt": str(total("tcnt")),
        "sum_src_row": str(total("src_row")),
        "sum_ts": str(total("ts", "int64")),
        "min_trade_date": str(pc.min(days).as_py()),
        "max_trade_date": str(pc.max(days).as_py()),
        "codes": str(len(pc.unique(data.column("code")))),
        "rows_buy": str(pc.sum(pc.equal(side, "B")).as_py() or 0),
        "files_buy": str(len(list(buys.plan_files()))),
        "types": {field.name: str(field.type) for field in data.schema},
    }


def duckdb_connection():
    import duckdb

    # The wheels lay their extensions out as DuckDB's extension folder: <dir>/v1.4.4/<platform>/*.duckdb_extension
    site = os.path.dirname(os.path.dirname(duckdb.__file__))
    connection = duckdb.connect()
    connection.execute("SET extension_directory = ?", [os.path.join(site, "duckdb_ext", "extensions")])
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("LOAD iceberg")
    return connection


def aggregates_duckdb(connection, metadata_path, snapshot_id):
    row = connection.execute(
        f"""
        SELECT count(*), sum(price), sum(contracts), sum(tcnt), sum(src_row), sum(epoch_us(ts)),
               min(trade_date - DATE '1970-01-01'), max(trade_date - DATE '1970-01-01'),
               count(DISTINCT code), count(*) FILTER (WHERE side = 'B')
        FROM iceberg_scan(?, snapshot_from_id => {int(snapshot_id)})
        """,
        [metadata_path],
    ).fetchone()
    names = ["rows", "sum_price", "sum_contracts", "sum_tcnt", "sum_src_row", "sum_ts",
             "min_trade_date", "max_trade_date", "codes", "rows_buy"]
    return {name: (value if name == "sum_price" else str(value)) for name, value in zip(names, row)}


def main():
    metadata_path, snapshot_ids = sys.argv[1], [int(s) for s in sys.argv[2:]]
    report = {"versions": {}, "pyiceberg": {}, "duckdb": {}, "warnings": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import duckdb
        import pyarrow
        import pyiceberg
        from pyiceberg.table import StaticTable

        report["versions"] = {"pyiceberg": pyiceberg.__version__, "pyarrow": pyarrow.__version__, "duckdb": duckdb.__version__}
        table = StaticTable.from_metadata(metadata_path)
        report["current_snapshot_id"] = str(table.metadata.current_snapshot_id)
        report["snapshot_ids"] = [str(s.snapshot_id) for s in table.metadata.snapshots]
        for snapshot_id in snapshot_ids:
            report["pyiceberg"][str(snapshot_id)] = aggregates_pyiceberg(table, snapshot_id)

        connection = duckdb_connection()
        report["versions"]["duckdb_iceberg"] = connection.execute(
            "SELECT extension_version FROM duckdb_extensions() WHERE extension_name = 'iceberg'"
        ).fetchone()[0]
        for snapshot_id in snapshot_ids:
            report["duckdb"][str(snapshot_id)] = aggregates_duckdb(connection, metadata_path, snapshot_id)
        report["duckdb_snapshots"] = [
            str(row[1]) for row in connection.execute("SELECT * FROM iceberg_snapshots(?)", [metadata_path]).fetchall()
        ]
    report["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught]
    print(json.dumps(report))


if __name__ == "__main__":
    main()
