-- Integrity (docs/integrity.md): content checked where it is read.
--
-- revision_documents.text_hash: the sha256 of each document's exact text, taken by the database
-- itself as the row is inserted (so publishing needs no change) and here for the rows already
-- there. A revision's `hash` covers its parsed documents; this covers the text, comments included.
--
-- tokens, overrides, decisions: row_hash, the seal the application takes as it writes a row
-- (integrity.ts: sha256, or an HMAC with the integrity key). The rows already there cannot be
-- sealed by SQL (the seal is over the application's canonical text): they stay NULL, read as
-- legacy without a key, until `zhidu store seal` checks and seals them.
--
-- audit.mac: with the integrity key, an HMAC over each entry beside its chain hash.
--
-- The immutability triggers let exactly one change through: sealing, i.e. a seal column going
-- from NULL (or, for rows, a plain hash) to a seal, with every other column unchanged.

alter table revision_documents add column text_hash text;
alter table revision_documents disable trigger revision_documents_immutable;
update revision_documents set text_hash = 'sha256:' || encode(sha256(convert_to(yaml, 'UTF8')), 'hex');
alter table revision_documents enable trigger revision_documents_immutable;
alter table revision_documents alter column text_hash set not null;

create function zhidu_document_text_hash() returns trigger language plpgsql as $$
begin
  new.text_hash := 'sha256:' || encode(sha256(convert_to(new.yaml, 'UTF8')), 'hex');
  return new;
end
$$;
create trigger revision_documents_text_hash before insert on revision_documents
  for each row execute function zhidu_document_text_hash();

alter table tokens add column row_hash text;
alter table overrides add column row_hash text;
alter table decisions add column row_hash text;
alter table audit add column mac text;

-- Whether an UPDATE only seals: `seal_column` gains a seal (from NULL, or from a plain hash to an
-- HMAC) and nothing else changes.
create function zhidu_only_seals(before jsonb, after jsonb, seal_column text) returns boolean language sql immutable as $$
  select (before - seal_column) = (after - seal_column)
     and after ->> seal_column is not null
     and (before ->> seal_column is null
          or (before ->> seal_column like 'sha256:%' and after ->> seal_column like 'hmac-sha256:%'))
$$;

create function zhidu_refuse_change_but_sealing() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and zhidu_only_seals(to_jsonb(old), to_jsonb(new), tg_argv[0]) then
    return new;
  end if;
  raise exception 'zhidu: % on % is refused; its rows are immutable', tg_op, tg_table_name
    using errcode = 'restrict_violation';
end
$$;

drop trigger overrides_immutable on overrides;
create trigger overrides_immutable before update or delete on overrides
  for each row execute function zhidu_refuse_change_but_sealing('row_hash');
drop trigger decisions_immutable on decisions;
create trigger decisions_immutable before update or delete on decisions
  for each row execute function zhidu_refuse_change_but_sealing('row_hash');
drop trigger audit_immutable on audit;
create trigger audit_immutable before update or delete on audit
  for each row execute function zhidu_refuse_change_but_sealing('mac');

-- A token is revoked once, or sealed; nothing else about it changes (its seal included).
create or replace function zhidu_token_revoked_once() returns trigger language plpgsql as $$
begin
  if (old.revoked_at is null and new.revoked_at is not null
      and (to_jsonb(old) - 'revoked_at') = (to_jsonb(new) - 'revoked_at'))
     or zhidu_only_seals(to_jsonb(old), to_jsonb(new), 'row_hash') then
    return new;
  end if;
  raise exception 'zhidu: token % may only be revoked, once', old.id
    using errcode = 'restrict_violation';
end
$$;

-- Reads look up the audit entries that recorded a row (its anchor) by subject.
create index audit_subject_seq on audit (subject, seq);
