"""Saving and loading whole services (with their nested objects) as Open Referral UK JSON."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from directory.schema import SERVICE, Table

Record = dict[str, Any]


def _row_for(table: Table, obj: Record, parent: tuple[str, str] | None) -> dict[str, Any]:
    """Split a JSON object into table columns and an `extra` JSON of everything else."""
    nested_keys = {n.key for n in table.nested}
    row: dict[str, Any] = {column: None for column in table.columns}
    extra: Record = {}
    for key, value in obj.items():
        column = table.column_for(key)
        if column in table.columns:
            row[column] = value
        elif key not in nested_keys:
            extra[key] = value
    if parent:
        row[parent[0]] = parent[1]
    row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    return row


def _owned_ids(db: sqlite_utils.Database, table: Table, parent_ids: list[str]) -> list[str]:
    marks = ",".join("?" * len(parent_ids))
    sql = f"select id from [{table.name}] where [{table.parent_key}] in ({marks})"
    return [r[0] for r in db.execute(sql, parent_ids)]


def _delete_owned(db: sqlite_utils.Database, table: Table, parent_ids: list[str]) -> None:
    """Delete the children a parent owns, deepest first; shared objects are left alone."""
    for nested in table.nested:
        if nested.shared or not parent_ids:
            continue
        child = nested.table
        ids = _owned_ids(db, child, parent_ids)
        _delete_owned(db, child, ids)
        if ids:
            marks = ",".join("?" * len(ids))
            db.execute(f"delete from [{child.name}] where id in ({marks})", ids)


def _save(db: sqlite_utils.Database, table: Table, obj: Record, parent: tuple[str, str] | None) -> None:
    row = _row_for(table, obj, parent)
    for nested in table.nested:
        value = obj.get(nested.key)
        if nested.single and nested.shared and isinstance(value, dict):
            _save_shared(db, nested.table, value)
            row[f"{nested.key}_id"] = value["id"]
    db[table.name].insert(row, replace=True)
    for nested in table.nested:
        value = obj.get(nested.key)
        if nested.single or not value:
            continue
        for child in value:
            _save(db, nested.table, child, (nested.table.parent_key, obj["id"]))


def _save_shared(db: sqlite_utils.Database, table: Table, obj: Record) -> None:
    """Upsert a shared object (location, organisation, term) and replace what it owns."""
    _delete_owned(db, table, [obj["id"]])
    _save(db, table, obj, None)


def save_service(db: sqlite_utils.Database, service: Record) -> None:
    """Insert or replace one service and everything nested in it. The caller owns the transaction."""
    _delete_owned(db, SERVICE, [service["id"]])
    _save(db, SERVICE, service, None)


def prepare(record: Record) -> Record:
    """A copy of the record with what it may leave implicit filled in, so the stored form is complete."""
    prepared = copy.deepcopy(record)
    prepared.setdefault("status", "active")
    if "publication_status" not in prepared:
        hidden = prepared["status"] in ("inactive", "defunct")
        prepared["publication_status"] = "archived" if hidden else "published"
    for sal in prepared.get("service_at_locations") or []:
        if isinstance(sal.get("location"), dict):
            sal["location_id"] = sal["location"]["id"]
    return prepared


def row_to_record(table: Table, row: dict[str, Any]) -> Record:
    """A row's own fields under their Open Referral names, leaving out empty ones (the schemas forbid null)."""
    return {table.key_for(c): row[c] for c in table.columns if row.get(c) is not None}


def _load(db: sqlite_utils.Database, table: Table, row: dict[str, Any]) -> Record:
    obj = row_to_record(table, row)
    if row.get("extra"):
        obj.update(json.loads(row["extra"]))
    for nested in table.nested:
        child = nested.table
        if nested.single:
            ref = row.get(f"{nested.key}_id")
            found = list(db[child.name].rows_where("id = ?", [ref])) if ref else []
            if found:
                obj[nested.key] = _load(db, child, found[0])
            continue
        where = f"[{child.parent_key}] = ?" + (f" and {nested.where}" if nested.where else "")
        rows = list(db[child.name].rows_where(where, [row["id"]], order_by="rowid"))
        if rows:
            obj[nested.key] = [_load(db, child, r) for r in rows]
    return obj


def load_service(db: sqlite_utils.Database, service_id: str) -> Record | None:
    """The full nested ORUK record for one service, or None if there is no such service."""
    rows = list(db["services"].rows_where("id = ?", [service_id]))
    return _load(db, SERVICE, rows[0]) if rows else None


def iter_services(
    db: sqlite_utils.Database, ids: Iterable[str] | None = None, statuses: Iterable[str] | None = None
) -> Iterator[Record]:
    """Full records for the given services (all of them by default), in name order."""
    where, params = [], []
    if ids is not None:
        id_list = list(ids)
        where.append(f"id in ({','.join('?' * len(id_list))})")
        params.extend(id_list)
    if statuses is not None:
        status_list = list(statuses)
        where.append(f"publication_status in ({','.join('?' * len(status_list))})")
        params.extend(status_list)
    for row in db["services"].rows_where(" and ".join(where) or None, params, order_by="name, id"):
        yield _load(db, SERVICE, row)
