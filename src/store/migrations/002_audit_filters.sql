-- The audit trail filtered by action or by branch (GET /v1/audit), in sequence order, without
-- reading the entries the filter leaves out.
create index audit_action_seq on audit (action, seq);
create index audit_branch_seq on audit ((summary ->> 'branch'), seq);
