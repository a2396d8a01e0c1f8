-- Per-tenant quotas (issue 17): operations and request bytes per second a tenant may send across
-- all coordinators; each coordinator enforces its share (the quota divided by the live coordinators).

ALTER TABLE tenants ADD COLUMN ops_per_second bigint NOT NULL DEFAULT 0 CHECK (ops_per_second >= 0);
ALTER TABLE tenants ADD COLUMN bytes_per_second bigint NOT NULL DEFAULT 0 CHECK (bytes_per_second >= 0);

COMMENT ON COLUMN tenants.ops_per_second IS 'Requests per second the tenant may send to the cluster; 0: unlimited.';
COMMENT ON COLUMN tenants.bytes_per_second IS 'Request bytes per second the tenant may send to the cluster; 0: unlimited.';
