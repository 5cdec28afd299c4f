/** The resource schema of add resource: names, field specs, their SQL and their record in gin-app.json. */
import { describe, expect, it } from 'vitest';
import { parseAnswersFile, renderAnswersFile } from '../../src/answers-file.js';
import { plan } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { formatField, goName, parseField, parseFields, parseResourceName, singularOf, type Resource } from '../../src/resources/fields.js';
import { columns, jsonSchema, maxPage, resourceData } from '../../src/resources/render.js';
import { loadTemplates } from '../../src/templates/load.js';
import { alignColumns } from '../../src/templates/helpers.js';

const answers = (given: Partial<Answers> = {}) =>
  resolveAnswers({ given: { module: 'example.com/shop', ...given }, ctx: { dirName: 'shop', localGo: '1.26.0' }, minGo: () => '1.26.0' });

const orders: Resource = {
  name: 'orders',
  migration: 2,
  fields: parseFields(['customer:string:unique:max=100', 'total:float:min=0', 'quantity:int:min=1:max=1000', 'note:text:optional', 'paid:bool', 'due:time:optional', 'ref:uuid:optional']),
};

describe('resource names', () => {
  it('takes plural snake_case names and derives the singular that names the Go type', () => {
    for (const [plural, singular] of [
      ['orders', 'order'],
      ['line_items', 'line_item'],
      ['categories', 'category'],
      ['addresses', 'address'],
      ['boxes', 'box'],
      ['statuses', 'status'],
      ['houses', 'house'],
      ['people', 'person'],
      ['movies', undefined],
    ] as const) {
      if (singular) expect(singularOf(plural), plural).toBe(singular);
    }
    expect(parseResourceName('line_items')).toBe('line_item');
    expect(goName('line_item')).toBe('LineItem');
    expect(goName('customer_id')).toBe('CustomerID');
  });

  it.each([
    ['', /needs a name/],
    ['Orders', /must be snake_case/],
    ['9orders', /must be snake_case/],
    ['line__items', /must be snake_case/],
    ['invoice', /must be a plural noun/],
    ['status', /must be a plural noun/],
    ['data', /must be a plural noun/],
    ['keys', /SQL reserved word/],
    ['rows', /SQL reserved word/],
    ['goose_db_version', /goose keeps its versions/],
    ['x'.repeat(61) + 'sss', /longer than 63/],
  ])('refuses the name %j', (name, reason) => {
    expect(() => parseResourceName(name)).toThrow(reason);
  });
});

describe('field specs', () => {
  it('parses types and modifiers, and writes the normal form gin-app.json keeps', () => {
    expect(parseField('customer:string:required:unique:max=100')).toEqual({ name: 'customer', type: 'string', optional: false, unique: true, max: '100' });
    expect(formatField(parseField('customer:string:required:unique:max=100'))).toBe('customer:string:unique:max=100');
    expect(formatField(parseField('total:float:min=0.50:optional'))).toBe('total:float:optional:min=0.5');
    expect(parseField('big:int64:min=-9223372036854775808').min).toBe('-9223372036854775808');
    for (const f of orders.fields) expect(parseField(formatField(f))).toEqual(f);
  });

  it.each([
    ['total', /must be name:type/],
    ['total:money', /unknown type "money"/],
    ['total:int:huge', /unknown modifier "huge"/],
    ['total:int:min', /unknown modifier "min"/],
    ['total:int:min=x', /must be a whole number/],
    ['total:int:min=3000000000', /out of range for int/],
    ['total:float:min=1:max=0', /min=1 is greater than max=0/],
    ['paid:bool:max=1', /does not apply to type bool/],
    ['name:string:min=2', /does not apply to type string/],
    ['name:string:max=5000', /use text:max=5000/],
    ['name:string:unique:max=800', /MySQL's index limit/],
    ['body:text:unique', /text cannot be unique/],
    ['paid:bool:unique', /unique bool/],
    ['rank:int:unique:min=1:max=1', /one row at most/],
    ['note:text:required:optional', /contradict/],
    ['note:text:optional:optional', /given twice/],
    ['order:string', /SQL reserved word/],
    ['select:int', /SQL reserved word/],
    ['id:int', /every resource has/],
    ['created_at:time', /every resource has/],
    ['Total:int', /must be snake_case/],
  ])('refuses %j', (spec, reason) => {
    expect(() => parseField(spec)).toThrow(reason);
  });

  it('refuses duplicates, Go name clashes, no fields, and more strings than a MySQL row holds', () => {
    expect(() => parseFields(['a:int', 'a:string'])).toThrow(/field a is given twice/);
    expect(() => parseFields([])).toThrow(/at least one field/);
    expect(() => parseFields(Array.from({ length: 20 }, (_, i) => `s${i}:string:max=1000`))).toThrow(/more than a MySQL row/);
  });
});

describe('what a resource renders', () => {
  it('writes the migration columns in each dialect, with the constraints of the modifiers', () => {
    expect(columns(orders, 'sqlite')).toEqual([
      'id INTEGER PRIMARY KEY AUTOINCREMENT',
      "customer VARCHAR(100) NOT NULL UNIQUE CHECK (customer <> '' AND length(customer) <= 100)",
      'total REAL NOT NULL CHECK (total >= 0)',
      'quantity INTEGER NOT NULL CHECK (quantity >= 1 AND quantity <= 1000)',
      'note TEXT',
      'paid BOOLEAN NOT NULL',
      'due DATETIME',
      'ref CHAR(36) CHECK (length(ref) = 36)',
      'created_at DATETIME NOT NULL',
      'updated_at DATETIME NOT NULL',
    ]);
    expect(columns(orders, 'mysql')).toContain("customer VARCHAR(100) NOT NULL UNIQUE CHECK (customer <> '')");
    expect(columns(orders, 'mysql')).toContain('total DOUBLE NOT NULL CHECK (total >= 0)');
    expect(columns(orders, 'postgres')).toContain('ref UUID');
    expect(columns(orders, 'postgres')).toContain('due TIMESTAMPTZ');
    expect(columns({ ...orders, fields: parseFields(['body:text:max=5000']) }, 'postgres')).toContain("body TEXT NOT NULL CHECK (body <> '' AND CHAR_LENGTH(body) <= 5000)");
  });

  it('samples an invalid value for each checked field, never one its type cannot hold', () => {
    const samples = (specs: string[]) => resourceData({ name: 'things', migration: 2, fields: parseFields(specs) }, 'sqlite').samples as { invalid: string; invalidFields: string[] };
    expect(JSON.parse(samples(['n:int:min=1']).invalid).n).toBe(0);
    // int32's lowest value as min: the max is what the invalid body breaks instead.
    expect(JSON.parse(samples(['n:int:min=-2147483648:max=5']).invalid).n).toBe(6);
    // Nothing to break in an optional field at both ends of its range: it is left out of the invalid body.
    expect(samples(['n:int:optional:min=-2147483648:max=2147483647']).invalidFields).toEqual([]);
  });

  it('gives every field its JSON Schema in the API document: required, bounds, format, null for optional ones', () => {
    const schema = (spec: string) => jsonSchema(parseFields([spec])[0]!);
    expect(schema('customer:string:max=100')).toEqual({ type: 'string', minLength: 1, maxLength: 100 });
    expect(schema('quantity:int:min=1:max=1000')).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000 });
    expect(schema('count:int')).toEqual({ type: 'integer', format: 'int32', minimum: -2147483648, maximum: 2147483647 });
    expect(schema('big:int64')).toEqual({ type: 'integer', format: 'int64' });
    // text without max: bounded at 64 KiB all the same.
    expect(schema('note:text:optional')).toEqual({ type: ['string', 'null'], maxLength: 65535 });
    expect(schema('ref:uuid:optional')).toMatchObject({ type: ['string', 'null'], format: 'uuid' });
    expect(schema('due:time')).toEqual({ type: 'string', format: 'date-time' });
    const data = resourceData(orders, 'sqlite').fields as { name: string; schema: string }[];
    // YAML flow style, with "null" quoted (bare null would be YAML's null, not the type).
    expect(data.find((f) => f.name === 'note')!.schema).toBe('{type: [string, "null"], maxLength: 65535}');
  });

  it('bounds a page by the size its rows can reach: 100 rows of small fields, 10 of 64 KiB texts', () => {
    expect(maxPage(parseFields(['customer:string:max=100', 'total:float']))).toBe(100);
    expect(maxPage(parseFields(['title:string', 'body:text']))).toBe(10);
    expect(maxPage(parseFields(['a:text', 'b:text', 'c:text', 'd:text', 'e:text', 'f:text', 'g:text', 'h:text', 'i:text', 'j:text', 'k:text']))).toBe(1);
  });

  it('keeps the generated non-test Go of one resource within 1.3x of its size before the API document (286 lines)', async () => {
    // The resource of test/e2e/resource.test.ts, which the 286 lines were measured on.
    const six: Resource = { name: 'orders', migration: 2, fields: parseFields(['customer:string:unique:max=100', 'total:float:min=0', 'quantity:int:min=1:max=1000', 'note:text:optional', 'paid:bool', 'due:time:optional']) };
    const files = plan(await answers(), loadTemplates(), [six]).files;
    const lines = (path: string) => files.find((f) => f.path === path)!.content.split('\n').length - 1;
    const perResource = lines('internal/server/orders.go') + lines('internal/database/orders.go');
    expect(perResource).toBeLessThanOrEqual(Math.floor(286 * 1.3));
  });

  it('renders each resource from templates/resource under its own names, and wires them all in resources.go', async () => {
    const a = await answers();
    const lineItems: Resource = { name: 'line_items', migration: 3, fields: parseFields(['sku:string:unique:max=40']) };
    const files = new Map(plan(a, loadTemplates(), [orders, lineItems]).files.map((f) => [f.path, f.content]));
    for (const path of [
      'internal/database/migrations/sqlite/0002_orders.sql',
      'internal/database/migrations/sqlite/0003_line_items.sql',
      'internal/database/orders.go',
      'internal/database/line_items_test.go',
      'internal/server/line_items.go',
      'internal/server/crud.go',
    ]) {
      expect(files.has(path), path).toBe(true);
    }
    expect(files.get('internal/server/resources.go')).toMatch(/Orders +OrderStore\n\tLineItems +LineItemStore/);
    expect(files.get('internal/server/resources.go')).toContain('addLineItemRoutes(api, r.LineItems)');
    expect(files.get('cmd/server/resources.go')).toContain('r.Orders = database.NewOrders(db)');
    expect(files.get('go.mod')).toContain('github.com/getkin/kin-openapi');
    expect(files.get('internal/server/line_items.go')).toContain('api.POST("/line_items", h.create)');

    // Without resources: the wiring is there and empty, the shared code is not.
    const none = new Map(plan(a, loadTemplates()).files.map((f) => [f.path, f.content]));
    expect(none.get('internal/server/resources.go')).toContain('type Resources struct {\n}');
    expect(none.has('internal/server/crud.go')).toBe(false);
    expect(none.get('go.mod')).not.toContain('validator');
    expect(() => plan({ ...a, db: 'none' }, loadTemplates(), [orders])).toThrow(/need a database/);
  });

  it('records the resources in gin-app.json and reads them back', async () => {
    const a = await answers();
    const parsed = parseAnswersFile(renderAnswersFile(a, '0.1.0', [], [orders]), '0.1.0');
    expect(parsed.resources).toEqual([orders]);
    const text = renderAnswersFile(a, '0.1.0', [], [orders]);
    expect(JSON.parse(text).resources[0].fields).toContain('customer:string:unique:max=100');
    const broken = JSON.parse(text);
    broken.resources[0].fields.push('x:money');
    expect(() => parseAnswersFile(JSON.stringify(broken), '0.1.0')).toThrow(/resource "orders": field x: unknown type "money"/);
  });
});

it('aligns the cells of a block as gofmt aligns struct fields', () => {
  expect(alignColumns('\tID|uint64|`json:"id"`\n\tCustomer|string|`json:"customer"`\n')).toBe('\tID       uint64 `json:"id"`\n\tCustomer string `json:"customer"`\n');
});
