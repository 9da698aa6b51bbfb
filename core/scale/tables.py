"""The rows a data set is made of: per table, the columns the generators fill (in order) and the
rows waiting to be written. Everything else takes the column's default."""

from __future__ import annotations

from collections import defaultdict

COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("id", "code", "name", "level", "parent_id", "key_township"),
    "agencies": ("id", "name", "short_name", "kind", "level", "region_id", "parent_id"),
    "agency_domains": ("agency_id", "domain_code"),
    "delegations": ("id", "agency_id", "item_code", "granted_on", "basis", "granted_by"),
    "officers": ("id", "name", "certificate_number", "certificate_valid_from", "certificate_valid_until", "status", "status_since", "role",
                 "legal_qualification", "legal_review_since", "agency_id"),
    "postings": ("id", "officer_id", "region_id", "agency_id", "is_head", "started_on"),
    "certificates": ("id", "officer_id", "number", "issuing_authority", "valid_from", "valid_until"),
    "certificate_domains": ("certificate_id", "domain_code"),
    "officer_domains": ("officer_id", "domain_code"),
    "certificate_changes": ("id", "certificate_id", "status", "effective_on", "decision", "reason", "recorded_by", "recorded_at"),
    "entities": ("id", "kind", "name", "credit_code", "id_number_cipher", "id_number_digest", "identifier_override", "legal_representative",
                 "phone_cipher", "address", "region_id", "industry_tags", "status", "version"),
    "entity_versions": ("id", "entity_id", "seq", "change", "valid_from", "name", "address", "legal_representative", "industry_tags", "status",
                        "note", "recorded_at", "recorded_by"),
    "cases": ("id", "case_number", "procedure", "status", "domain_code", "item_version_id", "entity_id", "agency_id", "facts", "description",
              "violation_date", "registered_at", "updated_at", "version", "filed_on", "fine_fen", "penalty_kinds", "major", "hearing_right",
              "discretion", "decided_on", "decision_number", "closed_on"),
    "case_officers": ("case_id", "officer_id", "position", "role"),
    "case_events": ("id", "case_id", "seq", "kind", "at", "actor", "data"),
    "case_deadlines": ("id", "case_id", "kind", "label", "day_type", "starts_on", "due_on", "basis", "met_on", "provisional_year"),
    "number_sequences": ("agency_id", "doc_type", "year", "last_value"),
    "publications": ("id", "case_id", "decision_number", "party_name", "party_kind", "credit_code", "party_address", "item_name", "violated",
                     "basis", "facts", "penalty", "fine_fen", "agency_name", "agency_id", "domain_code", "decided_on", "published_on",
                     "published_by", "redaction_version", "status", "created_at"),
    "credit_records": ("id", "entity_id", "case_id", "severity", "recorded_on", "repairable_from", "shown_until"),
}
ORDER = tuple(COLUMNS)  # parents before children


class Rows:
    """Rows per table, in ORDER; a writer drains them in batches."""

    def __init__(self) -> None:
        self.pending: dict[str, list[tuple]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    @classmethod
    def of(cls, pending: dict[str, list[tuple]]) -> Rows:
        rows = cls()
        rows.pending.update(pending)
        return rows

    def merge_counts(self, other: Rows) -> None:
        for table, n in other.counts.items():
            self.counts[table] += n

    def add(self, table: str, row: tuple) -> None:
        self.pending[table].append(row)

    def drain(self):
        """(table, columns, rows) for everything pending, parents first; counts what was drained."""
        for table in ORDER:
            rows = self.pending.pop(table, None)
            if rows:
                self.counts[table] += len(rows)
                yield table, COLUMNS[table], rows
