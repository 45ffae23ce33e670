import dayjs from 'dayjs';

/** Timestamps are stored as ISO-8601 UTC text: they sort and compare the same on SQLite and PostgreSQL. */
export const nowIso = (): string => new Date().toISOString();
export const today = (): string => dayjs().format('YYYY-MM-DD');
