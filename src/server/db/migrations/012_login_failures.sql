-- Failed-login counters shared by every server process on one PostgreSQL (auth/throttle.ts), so
-- that a client cannot multiply its allowance by reaching several processes behind a load balancer.
-- Times are the servers' clocks in milliseconds, as the in-process counters keep them.
CREATE TABLE login_failure (
  key text PRIMARY KEY,
  failures integer NOT NULL CHECK (failures >= 0),
  last_at_ms bigint NOT NULL
);
CREATE INDEX login_failure_last_at_idx ON login_failure (last_at_ms);
