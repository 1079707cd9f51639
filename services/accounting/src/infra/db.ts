// The database handles the use cases pass along: they hold one and give it to a repository, and
// never write SQL themselves (app/ imports no `pg`).
export type { Pool, PoolClient as Tx, Queryable as Db } from '@loanflow/platform';
