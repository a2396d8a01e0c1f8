-- Hint replay and expiry (issue 8). The hints table already has what replay needs (attempts,
-- claimed_by, claimed_until); expiry deletes by age across every node, which without an index
-- would scan the whole table on each sweep.
CREATE INDEX hints_created_at ON hints (created_at);
