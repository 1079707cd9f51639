-- The resident ID mask keeps the province (2) and the last 4 characters: the old one kept the
-- region (6), which with the birth date shown beside it and the last 4 gave the whole number.
UPDATE customers
   SET resident_id_masked = left(resident_id_masked, 2) || repeat('*', 12) || right(resident_id_masked, 4)
 WHERE resident_id_masked IS NOT NULL AND length(resident_id_masked) = 18;
