"""Partner prospect lists and one record per business (issue 18): imports of partners' lists
(CSV, XLSX) into prospects, the duplicates found among businesses and their merges. The tables
are in `tables` (migration 0014)."""
