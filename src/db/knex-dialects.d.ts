// knex's SQLite dialect classes, extended by src/db/sqlite-immediate.ts; they ship without types.
declare module 'knex/lib/dialects/sqlite3/index.js' {
  const Client_SQLite3: unknown;
  export default Client_SQLite3;
}
declare module 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js' {
  const Transaction_Sqlite: unknown;
  export default Transaction_Sqlite;
}
