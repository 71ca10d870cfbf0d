// A statement as data: the SQL and its parameters, not yet bound to a database. The data
// layer builds the statements that create a tenant once, as values, so the Worker runs them
// in one D1 batch and `npm start` runs the same ones through `wrangler d1 execute`.

export type SqlValue = string | number | null;

export interface SqlStatement {
  sql: string;
  params: SqlValue[];
}

/** Binds statements to a D1 database (for `db.batch`). */
export function bindAll(db: D1Database, statements: readonly SqlStatement[]): D1PreparedStatement[] {
  return statements.map((s) => db.prepare(s.sql).bind(...s.params));
}

/** A value as an SQLite literal: strings quoted (quotes doubled), numbers as they are. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    // A NaN or an infinity has no SQLite literal; writing one would store something else.
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an SQL literal`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The statements as one SQL script with their parameters written in as literals, for a tool
 * that takes text (`wrangler d1 execute --command`). Only `?` placeholders are supported, and
 * a statement's SQL text must hold no `?` of its own (the data layer's statements hold none).
 */
export function sqlScript(statements: readonly SqlStatement[]): string {
  return statements
    .map((s) => {
      const parts = s.sql.split("?");
      if (parts.length - 1 !== s.params.length) {
        throw new Error(`statement has ${parts.length - 1} placeholders and ${s.params.length} parameters: ${s.sql}`);
      }
      return `${parts.reduce((out, part, i) => out + sqlLiteral(s.params[i - 1] as SqlValue) + part)};`;
    })
    .join("\n");
}
