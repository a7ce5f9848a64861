-- zhidu store, version 1: revisions, proposals, overrides, tokens, the audit trail and decision
-- records. Rows that are history (revisions, steps, overrides, audit, decisions) can only be
-- inserted: triggers refuse UPDATE, DELETE and TRUNCATE whoever asks. The two mutable columns
-- (a proposal's status, a token's revocation) may move only forward, once.

create function zhidu_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'zhidu: % on % is refused; its rows are immutable', tg_op, tg_table_name
    using errcode = 'restrict_violation';
end
$$;

create table revisions (
  id             integer primary key check (id > 0),
  hash           text not null,
  effective_from timestamptz not null,
  published_at   timestamptz not null,
  published_by   text not null,
  note           text not null default ''
);
create index revisions_effective_from on revisions (effective_from);

create table revision_documents (
  revision_id integer not null references revisions (id),
  kind        text not null,
  yaml        text not null,
  primary key (revision_id, kind)
);

create table proposals (
  id            integer generated always as identity primary key,
  branch        text not null,
  base_revision integer not null references revisions (id),
  override_yaml text not null,
  reason        text not null,
  submitted_by  text not null,
  submitted_at  timestamptz not null,
  status        text not null default 'submitted'
                check (status in ('submitted', 'approved', 'rejected', 'withdrawn'))
);
create index proposals_branch on proposals (branch, id);

create table proposal_steps (
  id          integer generated always as identity primary key,
  proposal_id integer not null references proposals (id),
  action      text not null check (action in ('submitted', 'rebased', 'approved', 'rejected', 'withdrawn')),
  actor       text not null,
  at          timestamptz not null,
  comment     text not null default '',
  detail      jsonb
);
create index proposal_steps_proposal on proposal_steps (proposal_id, id);

create table overrides (
  id             integer generated always as identity primary key,
  branch         text not null,
  proposal_id    integer not null unique references proposals (id),
  base_revision  integer not null references revisions (id),
  override_yaml  text not null,
  effective_from timestamptz not null,
  approved_at    timestamptz not null,
  approved_by    text not null
);
create index overrides_branch on overrides (branch, effective_from);

create table tokens (
  id         integer generated always as identity primary key,
  hash       text not null unique,
  role       text not null check (role in ('head-office', 'branch', 'system', 'auditor')),
  branch     text,
  name       text not null default '',
  created_at timestamptz not null,
  created_by text not null,
  revoked_at timestamptz,
  check ((role = 'branch') = (branch is not null))
);

create table audit (
  seq       integer primary key check (seq > 0),
  at        timestamptz not null,
  actor     text not null,
  action    text not null,
  subject   text not null,
  summary   jsonb not null,
  prev_hash text not null,
  hash      text not null
);

create table decisions (
  decision_id   text primary key,
  revision_id   integer not null references revisions (id),
  revision_hash text not null,
  override_id   integer references overrides (id),
  branch        text,
  decision      text not null,
  input         jsonb not null,
  output        jsonb not null,
  trace         jsonb,
  caller        text not null,
  request_id    text,
  at            timestamptz not null
);

create trigger revisions_immutable before update or delete on revisions
  for each row execute function zhidu_refuse_change();
create trigger revision_documents_immutable before update or delete on revision_documents
  for each row execute function zhidu_refuse_change();
create trigger proposal_steps_immutable before update or delete on proposal_steps
  for each row execute function zhidu_refuse_change();
create trigger overrides_immutable before update or delete on overrides
  for each row execute function zhidu_refuse_change();
create trigger audit_immutable before update or delete on audit
  for each row execute function zhidu_refuse_change();
create trigger decisions_immutable before update or delete on decisions
  for each row execute function zhidu_refuse_change();
create trigger proposals_undeletable before delete on proposals
  for each row execute function zhidu_refuse_change();
create trigger tokens_undeletable before delete on tokens
  for each row execute function zhidu_refuse_change();

create trigger revisions_untruncatable before truncate on revisions
  for each statement execute function zhidu_refuse_change();
create trigger revision_documents_untruncatable before truncate on revision_documents
  for each statement execute function zhidu_refuse_change();
create trigger proposals_untruncatable before truncate on proposals
  for each statement execute function zhidu_refuse_change();
create trigger proposal_steps_untruncatable before truncate on proposal_steps
  for each statement execute function zhidu_refuse_change();
create trigger overrides_untruncatable before truncate on overrides
  for each statement execute function zhidu_refuse_change();
create trigger tokens_untruncatable before truncate on tokens
  for each statement execute function zhidu_refuse_change();
create trigger audit_untruncatable before truncate on audit
  for each statement execute function zhidu_refuse_change();
create trigger decisions_untruncatable before truncate on decisions
  for each statement execute function zhidu_refuse_change();

-- A proposal is decided once: only its status changes, and only away from 'submitted'.
create function zhidu_proposal_decided_once() returns trigger language plpgsql as $$
begin
  if old.status <> 'submitted' or new.status = 'submitted'
     or (new.id, new.branch, new.base_revision, new.override_yaml, new.reason, new.submitted_by, new.submitted_at)
        is distinct from
        (old.id, old.branch, old.base_revision, old.override_yaml, old.reason, old.submitted_by, old.submitted_at) then
    raise exception 'zhidu: proposal % may only move once from submitted to a final status', old.id
      using errcode = 'restrict_violation';
  end if;
  return new;
end
$$;
create trigger proposals_decided_once before update on proposals
  for each row execute function zhidu_proposal_decided_once();

-- A token is revoked once; nothing else about it changes.
create function zhidu_token_revoked_once() returns trigger language plpgsql as $$
begin
  if old.revoked_at is not null or new.revoked_at is null
     or (new.id, new.hash, new.role, new.branch, new.name, new.created_at, new.created_by)
        is distinct from
        (old.id, old.hash, old.role, old.branch, old.name, old.created_at, old.created_by) then
    raise exception 'zhidu: token % may only be revoked, once', old.id
      using errcode = 'restrict_violation';
  end if;
  return new;
end
$$;
create trigger tokens_revoked_once before update on tokens
  for each row execute function zhidu_token_revoked_once();
