-- zhidu store, version 4: the publish workflow keeps what users meant.
-- A revision published again after an earlier publish landed before it (a scheduled revision
-- kept, rebased) names the revision it replaces. A proposal rebased onto a newer revision names
-- the one it supersedes, which ends as 'superseded'. Steps also record a proposal made stale by a
-- publish and head office asking the branch to rebase it.
alter table revisions add column replaces integer references revisions (id);

alter table proposals add column replaces integer references proposals (id);
alter table proposals drop constraint proposals_status_check;
alter table proposals add constraint proposals_status_check
  check (status in ('submitted', 'approved', 'rejected', 'withdrawn', 'superseded'));

alter table proposal_steps drop constraint proposal_steps_action_check;
alter table proposal_steps add constraint proposal_steps_action_check
  check (action in ('submitted', 'rebased', 'approved', 'rejected', 'withdrawn', 'stale', 'rebase-requested', 'superseded'));

-- A proposal is decided once: only its status changes, and only away from 'submitted'.
create or replace function zhidu_proposal_decided_once() returns trigger language plpgsql as $$
begin
  if old.status <> 'submitted' or new.status = 'submitted'
     or (new.id, new.branch, new.base_revision, new.override_yaml, new.reason, new.submitted_by, new.submitted_at, new.replaces)
        is distinct from
        (old.id, old.branch, old.base_revision, old.override_yaml, old.reason, old.submitted_by, old.submitted_at, old.replaces) then
    raise exception 'zhidu: proposal % may only move once from submitted to a final status', old.id
      using errcode = 'restrict_violation';
  end if;
  return new;
end
$$;

-- At most one pending proposal with the same content per branch (the store refuses a second
-- with PROPOSAL_DUPLICATE before it gets here; this keeps it true under any race).
create unique index proposals_one_pending_per_content on proposals (branch, md5(override_yaml)) where status = 'submitted';
