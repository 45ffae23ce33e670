/*
 * A form names its fields after the columns they fill, in the camel case of the page: `departureDate` is
 * the column `departure_date`. These two read that convention each way; a field whose column is named
 * otherwise (`emergencyName` for `emergency_contact_name`) is written out beside them.
 */

const columnOf = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The columns of a row, from the validated form fields named after them. */
export function columnsFrom<T extends object, K extends keyof T & string>(input: T, fields: readonly K[]): Record<string, T[K]> {
  return Object.fromEntries(fields.map((field) => [columnOf(field), input[field]]));
}

/** What an edit form shows of a row, for the fields named after its columns: as text, empty where null. */
export function formValuesFrom(row: object, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => {
    const value = (row as Record<string, unknown>)[columnOf(field)];
    return [field, value === null || value === undefined ? '' : String(value)];
  }));
}
