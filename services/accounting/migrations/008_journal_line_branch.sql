-- Every journal line carries the branch of the loan it books, so that the trial balance follows
-- a reader's branch scope (a branch's staff see their subtree's books, head office the bank's).
-- Lines of a loan's own entries take that loan's branch; the end of day books its income lines
-- per branch from now on. Older end-of-day income lines summed over branches stay unattributed
-- (head office sees them).
ALTER TABLE journal_lines ADD COLUMN branch_id text;
UPDATE journal_lines l SET branch_id = ln.branch_id
  FROM journal_entries e, loans ln
 WHERE e.id = l.entry_id AND ln.id = COALESCE(l.loan_id, e.loan_id) AND l.branch_id IS NULL;
