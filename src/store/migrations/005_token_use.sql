-- zhidu store, version 5: when each token was last used, for head office's tokens screen. Kept
-- apart from the token rows, which are sealed and change only when revoked: this is a
-- convenience that every server refreshes about once a minute, not history.
create table token_use (
  token_id     integer primary key references tokens (id),
  last_used_at timestamptz not null
);
