-- Instance state is rewritten by every command; compressing it costs more CPU than the disk it
-- saves at this size, so keep it out of line but uncompressed.
ALTER TABLE process_instances ALTER COLUMN state SET STORAGE EXTERNAL;
