-- Every command rewrites its instance row and a task row or two. With room left in each page the
-- new version goes on the same page (a heap-only update: no new index entries), and the state
-- itself lives out of line, so the rows are small and many fit.
ALTER TABLE process_instances SET (fillfactor = 70);
ALTER TABLE tasks SET (fillfactor = 80);
