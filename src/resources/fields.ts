/**
 * The resource schema: resource names and field specs
 * (`name:type[:modifiers]`), parsed and checked once here for `add
 * resource`'s flags and prompts, the plop generator and gin-app.json.
 */
import { usageError } from '../errors.js';

export const FIELD_TYPES = ['string', 'text', 'int', 'int64', 'float', 'bool', 'time', 'uuid'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Field {
  name: string;
  type: FieldType;
  /** Nullable and may be left out; every other field must be given. */
  optional: boolean;
  unique: boolean;
  /** Numbers: the smallest value allowed (a decimal string, exact for int64). */
  min?: string;
  /** Numbers: the largest value; string and text: the most characters. */
  max?: string;
}

export interface Resource {
  /** Plural snake_case: the table, the URL segment and the JSON key of a list. */
  name: string;
  /** goose version of its migration (0002, 0003, ...: after the items example's 0001). */
  migration: number;
  fields: Field[];
}

export const MODIFIERS_HELP = 'required (the default), optional, unique, max=<n> for strings, min=<n> and max=<n> for numbers';

/** string's length when no max is given, and the most a string may declare (longer: text). */
export const STRING_DEFAULT_MAX = 255;
export const STRING_MAX = 1000;
/** MySQL indexes at most 3072 bytes, 768 utf8mb4 characters: the longest unique string. */
export const UNIQUE_STRING_MAX = 768;
/** MySQL's row size limit (65535 bytes) with room for the other columns: VARCHARs count 4 bytes a character. */
const MYSQL_VARCHAR_BYTES = 60_000;

export const INT32: [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
export const INT64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

/** Words refused as table or column names: reserved in SQLite, MySQL or PostgreSQL (the project's database can change). */
const SQL_RESERVED = new Set(
  (
    'add all alter analyze and any array as asc asymmetric authorization between bigint binary blob both by call cascade case cast ' +
    'change char character check collate column condition constraint continue convert create cross current_date current_time ' +
    'current_timestamp current_user cursor database databases decimal declare default deferrable delete desc describe distinct ' +
    'div do double drop each else elseif end escape except exists exit explain false fetch float for force foreign freeze from ' +
    'full fulltext function grant group having if ignore ilike in index inner insert int integer intersect interval into is ' +
    'isnull join key keys kill leading left like limit lines load localtime localtimestamp lock long loop match natural not ' +
    'notnull null numeric of offset on only option or order out outer over partition placing precision primary procedure ' +
    'range read real recursive references regexp release rename repeat replace require restrict return returning revoke right ' +
    'rlike row rows schema select session_user set show similar smallint some spatial sql table then to trailing trigger true ' +
    'undo union unique unlock unsigned update usage use user using values varchar verbose when where while window with write xor'
  ).split(' '),
);

/** Columns every resource table has. */
const AUTOMATIC = new Set(['id', 'created_at', 'updated_at']);

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** PostgreSQL truncates identifiers at 63 bytes, MySQL refuses them past 64. */
const MAX_IDENTIFIER = 63;

function checkIdentifier(what: string, name: string): void {
  if (!SNAKE.test(name)) {
    throw usageError(`${what} "${name}" must be snake_case: lower-case letters and digits, words joined by one "_", starting with a letter`);
  }
  if (name.length > MAX_IDENTIFIER) throw usageError(`${what} "${name}" is longer than ${MAX_IDENTIFIER} characters (PostgreSQL's limit)`);
  if (SQL_RESERVED.has(name)) throw usageError(`${what} "${name}" is an SQL reserved word: choose another name`);
}

/** Checks a resource name; returns its singular (snake_case), which names the Go type. */
export function parseResourceName(raw: string): string {
  const name = raw.trim();
  if (!name) throw usageError('add resource needs a name, such as orders (plural: the table and the URL segment)');
  checkIdentifier('resource name', name);
  if (name === 'goose_db_version') throw usageError('resource name "goose_db_version" is the table goose keeps its versions in');
  const singular = singularOf(name);
  if (!singular) {
    throw usageError(`resource name "${name}" must be a plural noun such as orders or line_items: its singular names the Go type`);
  }
  return singular;
}

const IRREGULAR: Record<string, string> = { people: 'person', children: 'child', men: 'man', women: 'woman', mice: 'mouse', geese: 'goose', feet: 'foot', teeth: 'tooth', criteria: 'criterion' };

/** The singular of a plural snake_case name (its last word), or undefined if it does not read as a plural. */
export function singularOf(name: string): string | undefined {
  const cut = name.lastIndexOf('_');
  const head = name.slice(0, cut + 1);
  const word = name.slice(cut + 1);
  let one: string | undefined = IRREGULAR[word];
  if (!one) {
    if (/[^aeiou]ies$/.test(word)) one = word.slice(0, -3) + 'y';
    else if (/(ss|sh|ch|x|z)es$/.test(word)) one = word.slice(0, -2);
    else if (/[^aeiou]uses$/.test(word)) one = word.slice(0, -2); // statuses, buses (houses, causes: below)
    else if (/[^su]s$/.test(word) && !/(is|us|ss)$/.test(word)) one = word.slice(0, -1);
  }
  return one && one.length > 0 && one !== word ? head + one : undefined;
}

/** Parses one `name:type[:modifiers]` spec. */
export function parseField(spec: string): Field {
  const parts = spec.trim().split(':');
  const [name = '', type = '', ...modifiers] = parts;
  if (!name || parts.length < 2) throw usageError(`field "${spec}" must be name:type[:modifiers], such as total:float:min=0`);
  checkIdentifier('field name', name);
  if (AUTOMATIC.has(name)) throw usageError(`field name "${name}" is a column every resource has (id, created_at, updated_at)`);
  if (!(FIELD_TYPES as readonly string[]).includes(type)) {
    throw usageError(`field ${name}: unknown type "${type}" (types: ${FIELD_TYPES.join(', ')})`);
  }
  const field: Field = { name, type: type as FieldType, optional: false, unique: false };
  let required = false;
  const seen = new Set<string>();
  for (const m of modifiers) {
    const [key = '', value] = m.split('=', 2) as [string, string | undefined];
    if (seen.has(key)) throw usageError(`field ${name}: modifier "${key}" is given twice`);
    seen.add(key);
    if ((key === 'required' || key === 'optional' || key === 'unique') && value === undefined) {
      if (key === 'required') required = true;
      else field[key] = true;
    } else if ((key === 'min' || key === 'max') && value !== undefined) {
      field[key] = bound(name, field.type, key, value);
    } else {
      throw usageError(`field ${name}: unknown modifier "${m}" (modifiers: ${MODIFIERS_HELP})`);
    }
  }
  if (required && field.optional) throw usageError(`field ${name}: required and optional contradict each other`);
  checkField(field);
  return field;
}

const isNumber = (t: FieldType) => t === 'int' || t === 'int64' || t === 'float';

function bound(name: string, type: FieldType, key: 'min' | 'max', value: string): string {
  if (isNumber(type)) {
    if (type === 'float') {
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw usageError(`field ${name}: ${key}=${value} must be a decimal number such as 0 or 9.99`);
      return String(Number(value));
    }
    if (!/^-?\d+$/.test(value)) throw usageError(`field ${name}: ${key}=${value} must be a whole number for type ${type}`);
    const [lo, hi] = type === 'int' ? INT32 : INT64;
    const n = BigInt(value);
    if (n < lo || n > hi) throw usageError(`field ${name}: ${key}=${value} is out of range for ${type} (${lo} to ${hi})`);
    return n.toString();
  }
  if ((type === 'string' || type === 'text') && key === 'max') {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw usageError(`field ${name}: max=${value} must be a positive number of characters`);
    return String(Number(value));
  }
  throw usageError(`field ${name}: ${key}= does not apply to type ${type} (max= is for string and text, min= and max= for int, int64 and float)`);
}

function checkField(f: Field): void {
  if (f.min !== undefined && f.max !== undefined && Number(f.min) > Number(f.max)) {
    throw usageError(`field ${f.name}: min=${f.min} is greater than max=${f.max}`);
  }
  if (f.type === 'string' && f.max !== undefined && Number(f.max) > STRING_MAX) {
    throw usageError(`field ${f.name}: a string holds at most ${STRING_MAX} characters (use text:max=${f.max} for longer ones)`);
  }
  if (f.unique) {
    if (f.min !== undefined && f.min === f.max) throw usageError(`field ${f.name}: unique with min = max allows one row at most`);
    if (f.type === 'bool') throw usageError(`field ${f.name}: a unique bool allows two rows at most; drop unique`);
    if (f.type === 'text') throw usageError(`field ${f.name}: text cannot be unique (MySQL cannot index it); use string:unique:max=<n>`);
    if (f.type === 'string' && stringMax(f) > UNIQUE_STRING_MAX) {
      throw usageError(`field ${f.name}: a unique string holds at most ${UNIQUE_STRING_MAX} characters (MySQL's index limit)`);
    }
  }
}

/**
 * text's length when no max is given: 64 KiB, what a MySQL TEXT column holds
 * in bytes. The API document bounds it, so that no request body or list page
 * grows with what clients send.
 */
export const TEXT_DEFAULT_MAX = 65535;

/** The most characters a string or text field holds. */
export function stringMax(f: Field): number {
  return f.max !== undefined ? Number(f.max) : f.type === 'string' ? STRING_DEFAULT_MAX : TEXT_DEFAULT_MAX;
}

/** Parses every spec of a resource and checks them together. */
export function parseFields(specs: readonly string[]): Field[] {
  if (specs.length === 0) throw usageError('a resource needs at least one field: --field name:type[:modifiers]');
  const fields = specs.map(parseField);
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw usageError(`field ${f.name} is given twice`);
    seen.add(f.name);
  }
  const goNames = new Map<string, string>();
  for (const f of fields) {
    const go = goName(f.name);
    const other = goNames.get(go);
    if (other) throw usageError(`fields ${other} and ${f.name} would both be ${go} in Go`);
    goNames.set(go, f.name);
  }
  const varcharBytes = fields.filter((f) => f.type === 'string').reduce((sum, f) => sum + 4 * stringMax(f), 0);
  if (varcharBytes > MYSQL_VARCHAR_BYTES) {
    throw usageError(`the string fields hold ${varcharBytes / 4} characters together, more than a MySQL row can (about ${MYSQL_VARCHAR_BYTES / 4}); make some of them text`);
  }
  return fields;
}

/** The normal spec of a field, as gin-app.json keeps it (required, the default, is left out). */
export function formatField(f: Field): string {
  return [f.name, f.type, ...(f.optional ? ['optional'] : []), ...(f.unique ? ['unique'] : []), ...(f.min !== undefined ? [`min=${f.min}`] : []), ...(f.max !== undefined ? [`max=${f.max}`] : [])].join(':');
}

/** Go's initialisms, so customer_id becomes CustomerID as a Go programmer writes it. */
const INITIALISMS = new Set(['id', 'url', 'uri', 'uuid', 'http', 'https', 'api', 'json', 'ip', 'sql', 'html', 'xml', 'sku', 'tls', 'ttl', 'utc', 'cpu', 'dns', 'eta']);

/** snake_case -> exported Go identifier. */
export function goName(snake: string): string {
  return snake
    .split('_')
    .map((w) => (INITIALISMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}
