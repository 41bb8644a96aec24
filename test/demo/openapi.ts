/**
 * Validates answers against the Spotify Web API OpenAPI 3.0 document with ajv.
 *
 * The whole document is registered as one schema resource, so every `$ref` (`#/components/...`) resolves inside
 * it; ajv understands OpenAPI's `nullable: true` itself. OpenAPI-only keywords (`example`, `x-*`, `deprecated`,
 * `discriminator`) are annotations for validation; `oneOf` already decides track vs episode items.
 *
 * Development Mode apps get objects without the fields Spotify removed in 2026; the document still lists some of
 * them as `required` and marks them `deprecated: true`. The development variant of the document therefore makes
 * deprecated properties optional, and only those, plus `external_ids`: Spotify first listed it among the removed
 * fields (then reverted that in March 2026, SPOTIFY.md), and this document neither deprecates it nor makes it
 * optional on AlbumObject; answers of apps in the months between lack it.
 * Every other requirement stays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** `../shared/spec/...` beside the checkout; an environment variable may point elsewhere (e.g. to test the skip). */
export const SPEC_PATH =
  process.env.CHARTLAKE_OPENAPI_SPEC ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'spec', 'spotify-web-api.openapi.yml');

type Node = Record<string, unknown>;

/** Removed for Development Mode per SPOTIFY.md, yet not `deprecated` in the OpenAPI document. */
export const DOCUMENTED_REMOVALS_NOT_DEPRECATED = ['external_ids'];
export type SpecVariant = 'as-published' | 'development';

export class OpenApiValidator {
  readonly spec: Node;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(specPath = SPEC_PATH) {
    this.spec = parse(fs.readFileSync(specPath, 'utf8')) as Node;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'base64', 'password']) this.ajv.addFormat(format, true);
    this.ajv.addSchema(this.spec, 'as-published');
    this.ajv.addSchema(relaxDeprecatedRequired(structuredClone(this.spec), DOCUMENTED_REMOVALS_NOT_DEPRECATED), 'development');
  }

  /** The JSON pointer of the response schema the document gives for `GET <specPath>` answering `status`. */
  responsePointer(specPath: string, status: number): string {
    const paths = this.spec.paths as Record<string, Node>;
    const operation = paths[specPath]?.get as Node | undefined;
    if (!operation) throw new Error(`the OpenAPI document has no GET ${specPath}`);
    const responses = operation.responses as Record<string, Node>;
    // Statuses an operation does not list (e.g. 404 for playlist items) use the shared component.
    const fallback: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequests' };
    const response = responses[String(status)] ?? (fallback[status] ? { $ref: `#/components/responses/${fallback[status]}` } : undefined);
    if (!response) throw new Error(`the OpenAPI document lists no ${status} answer for GET ${specPath}`);
    const ref = typeof response.$ref === 'string' ? response.$ref : undefined;
    if (!ref) throw new Error(`GET ${specPath} ${status} is not a $ref`);
    return `${ref}/content/application~1json/schema`;
  }

  validator(variant: SpecVariant, pointer: string): ValidateFunction {
    const key = `${variant}${pointer}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.cache.set(key, validate);
    }
    return validate;
  }

  /** Validation errors as readable lines ([] when valid). */
  errors(variant: SpecVariant, specPath: string, status: number, body: unknown): string[] {
    const validate = this.validator(variant, this.responsePointer(specPath, status));
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Whether property `name` of component schema `schema` (or of its `allOf` parts) is marked deprecated. */
  isDeprecated(schema: string, name: string): boolean {
    return propertiesOf(this.spec, (this.spec.components as Node).schemas as Record<string, Node>, schema).get(name)?.deprecated === true;
  }
}

/** Makes every `deprecated: true` property (and those named in `alsoOptional`) optional wherever it is required. */
export function relaxDeprecatedRequired(spec: Node, alsoOptional: readonly string[] = []): Node {
  const schemas = (spec.components as Node).schemas as Record<string, Node>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (Array.isArray(n.required)) {
      const properties = propertiesOfNode(spec, schemas, n, new Set());
      n.required = (n.required as string[]).filter((name) => properties.get(name)?.deprecated !== true && !alsoOptional.includes(name));
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(spec.components);
  return spec;
}

function propertiesOf(spec: Node, schemas: Record<string, Node>, name: string): Map<string, Node> {
  return propertiesOfNode(spec, schemas, schemas[name] ?? {}, new Set());
}

/** The properties a schema defines itself or through `allOf` (following `$ref`s). */
function propertiesOfNode(spec: Node, schemas: Record<string, Node>, node: Node, seen: Set<Node>): Map<string, Node> {
  const out = new Map<string, Node>();
  if (seen.has(node)) return out;
  seen.add(node);
  if (typeof node.$ref === 'string') {
    const target = schemas[node.$ref.replace('#/components/schemas/', '')];
    return target ? propertiesOfNode(spec, schemas, target, seen) : out;
  }
  for (const part of (node.allOf as Node[] | undefined) ?? []) {
    for (const [key, value] of propertiesOfNode(spec, schemas, part, seen)) out.set(key, value);
  }
  for (const [key, value] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) out.set(key, value);
  return out;
}
