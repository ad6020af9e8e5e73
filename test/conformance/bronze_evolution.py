"""Reads an evolved bronze_ticks table (spec 0 = day(ts), side; spec 1 = trade_date, side) with independent
readers, opening it the way folder readers do: by its table folder, through metadata/version-hint.text.

    python bronze_evolution.py <table folder> <old snapshot id>

Prints JSON: per reader, what the current and the old snapshot hold, and (PyIceberg) every live data
file's spec id and partition.
"""

import datetime
import json
import os
import sys

TRADE_DATE = datetime.date(2025, 12, 1)
# 09:00 KST on the trade date: ticks before it (from the 08:45 open) fall on the previous UTC day.
NINE_KST = datetime.datetime(2025, 12, 1, 0, 0, tzinfo=datetime.timezone.utc)


def pyiceberg_report(folder, old_snapshot):
    from pyiceberg.expressions import And, EqualTo, LessThan
    from pyiceberg.table import StaticTable

    table = StaticTable.from_metadata(folder)  # a folder: PyIceberg follows metadata/version-hint.text
    current = table.scan().to_arrow()
    old = table.scan(snapshot_id=old_snapshot).to_arrow()
    early = table.scan(
        row_filter=And(EqualTo("trade_date", TRADE_DATE.isoformat()), LessThan("ts", NINE_KST.isoformat()))
    )
    files = []
    for task in table.scan().plan_files():
        partition = {
            field.name: task.file.partition[i] for i, field in enumerate(table.specs()[task.file.spec_id].fields)
        }
        files.append({"spec_id": task.file.spec_id, "partition": {k: str(v) for k, v in partition.items()}})
    early_files = []
    for task in early.plan_files():
        spec = table.specs()[task.file.spec_id]
        early_files.append({f.name: str(task.file.partition[i]) for i, f in enumerate(spec.fields)})
    return {
        "current_snapshot_id": str(table.metadata.current_snapshot_id),
        "specs": {
            str(spec_id): [[f.name, str(f.transform), f.field_id] for f in spec.fields]
            for spec_id, spec in table.specs().items()
        },
        "default_spec_id": table.metadata.default_spec_id,
        "rows": current.num_rows,
        "rows_with_trade_date": current.num_rows - current.column("trade_date").null_count,
        "old_rows": old.num_rows,
        "old_columns": old.schema.names,
        "early_rows": early.to_arrow().num_rows,
        "early_files": early_files,
        "files": files,
    }


def duckdb_report(folder, old_snapshot):
    import duckdb

    site = os.path.dirname(os.path.dirname(duckdb.__file__))
    connection = duckdb.connect()
    connection.execute("SET extension_directory = ?", [os.path.join(site, "duckdb_ext", "extensions")])
    connection.execute("SET autoinstall_known_extensions = false")
    connection.execute("LOAD iceberg")
    rows, dated, early = connection.execute(
        "SELECT count(*), count(trade_date),"
        " count(*) FILTER (WHERE trade_date = DATE '2025-12-01' AND ts < TIMESTAMPTZ '2025-12-01 00:00:00+00')"
        " FROM iceberg_scan(?)",
        [folder],
    ).fetchone()
    old = connection.execute(
        f"SELECT * FROM iceberg_scan(?, snapshot_from_id => {int(old_snapshot)}) LIMIT 0", [folder]
    )
    old_columns = [d[0] for d in old.description]
    (old_rows,) = connection.execute(
        f"SELECT count(*) FROM iceberg_scan(?, snapshot_from_id => {int(old_snapshot)})", [folder]
    ).fetchone()
    return {
        "rows": rows,
        "rows_with_trade_date": dated,
        "early_rows": early,
        "old_rows": old_rows,
        "old_columns": old_columns,
    }


def main():
    folder, old_snapshot = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"pyiceberg": pyiceberg_report(folder, old_snapshot), "duckdb": duckdb_report(folder, old_snapshot)}))


if __name__ == "__main__":
    main()
